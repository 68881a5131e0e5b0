#include "marginlab/data/dataset.hpp"

#include <gtest/gtest.h>

#include "marginlab/core/error.hpp"
#include "marginlab/data/wei_d.hpp"

namespace marginlab {
namespace {

TEST(Dataset, InferLabelKind) {
  int l = -1;
  EXPECT_EQ(InferLabelKind((Vector(3) << 1, -1, 1).finished(), &l), LabelKind::kBinary);
  EXPECT_EQ(l, 2);
  EXPECT_EQ(InferLabelKind((Vector(3) << 0, 4, 2).finished(), &l), LabelKind::kClass);
  EXPECT_EQ(l, 5);
  EXPECT_EQ(InferLabelKind((Vector(2) << 0.5, 1).finished(), &l), LabelKind::kReal);
}

TEST(Dataset, ValidateNamesTheProblem) {
  Dataset ds;
  ds.source = "mydata";
  ds.X = Matrix::Ones(3, 2);
  ds.y = (Vector(3) << 1, 0, -1).finished();
  try {
    ds.Validate();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mydata: label of example 1 is 0, expected -1 or +1"),
              std::string::npos)
        << e.what();
  }
  ds.y = Vector::Ones(2);
  EXPECT_THROW(ds.Validate(), InputError);
}

TEST(Dataset, SplitIsAPartitionAndSeeded) {
  WeiDOptions o;
  o.n = 100;
  const Dataset ds = GenerateWeiD(o);
  Rng r1(5), r2(5);
  auto [tr, te] = TrainTestSplit(ds, 30, r1);
  auto [tr2, te2] = TrainTestSplit(ds, 30, r2);
  EXPECT_EQ(tr.n(), 70);
  EXPECT_EQ(te.n(), 30);
  EXPECT_EQ(tr.X, tr2.X);
  EXPECT_EQ(te.y, te2.y);
  // Every original row appears exactly once across the two parts.
  Matrix all(100, ds.d() + 1);
  all << tr.X, tr.y, te.X, te.y;
  int matched = 0;
  for (Index i = 0; i < ds.n(); ++i)
    for (Index j = 0; j < all.rows(); ++j)
      if (all.row(j).head(ds.d()) == ds.X.row(i) && all(j, ds.d()) == ds.y(i)) {
        ++matched;
        break;
      }
  EXPECT_EQ(matched, 100);
  Rng r3(5);
  EXPECT_THROW(TrainTestSplit(ds, 100, r3), InputError);
}

}  // namespace
}  // namespace marginlab
