#include "marginlab/data/source.hpp"

#include <gtest/gtest.h>

#include "marginlab/core/error.hpp"
#include "marginlab/data/wei_d.hpp"

namespace marginlab {
namespace {

TEST(Source, GeneratorSpecMatchesDirectCall) {
  const Dataset a = LoadData("wei-d:d=6,n=30,seed=4");
  WeiDOptions o;
  o.d = 6;
  o.n = 30;
  o.seed = 4;
  const Dataset b = GenerateWeiD(o);
  EXPECT_EQ(a.X, b.X);
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.source, "wei-d:n=30,d=6,seed=4,sample=0,task=classification");
}

TEST(Source, SampleIndexGivesAnIndependentDrawFromTheSameSeed) {
  const Dataset train = LoadData("teacher:n=50,seed=3"), test = LoadData("teacher:n=50,seed=3,sample=1");
  const Dataset again = LoadData("teacher:n=50,seed=3,sample=0");
  EXPECT_EQ(train.X, again.X);
  EXPECT_NE(train.X, test.X);
  for (Index i = 0; i < train.n(); ++i)
    for (Index j = 0; j < test.n(); ++j) ASSERT_NE(train.X.row(i), test.X.row(j));
}

TEST(Source, BareNameUsesDefaults) {
  const Dataset a = LoadData("xor");
  EXPECT_EQ(a.n(), 200);
  EXPECT_EQ(a.d(), 20);
}

TEST(Source, EveryRegisteredSourceDocumentsItsParameters) {
  for (const auto& s : DataSources()) {
    EXPECT_FALSE(s.summary.empty()) << s.name;
    EXPECT_FALSE(s.params.empty()) << s.name;
    for (const auto& p : s.params) EXPECT_FALSE(p.doc.empty()) << s.name << "." << p.name;
  }
}

TEST(Source, ErrorsNameTheArgument) {
  try {
    LoadData("wei-d:d=2", "--test-data");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--test-data 'wei-d:d=2': d must be at least 3 (two signal coordinates and at least one "
              "noise bit), got 2");
  }
  EXPECT_THROW(LoadData(""), InputError);
  EXPECT_THROW(LoadData("missing.csv"), InputError);
}

}  // namespace
}  // namespace marginlab
