#include "marginlab/data/teacher.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab {
namespace {

TEST(Teacher, EverySampleHasMarginAtLeastGamma0) {
  TeacherOptions o;
  o.n = 2000;
  o.d = 20;
  o.k = 6;
  o.margin = 0.1;
  o.seed = 4;
  const Dataset ds = GenerateTeacher(o);
  const Vector f = MakeTeacher(o).Eval(ds.X);
  for (Index i = 0; i < ds.n(); ++i) {
    ASSERT_GE(std::abs(f(i)), 0.1) << "example " << i;
    ASSERT_EQ(ds.y(i), f(i) > 0 ? 1.0 : -1.0);
    ASSERT_NEAR(ds.X.row(i).norm(), 1.0, 1e-14);
  }
  // Both labels occur (the teacher's alternating output signs).
  EXPECT_GT((ds.y.array() > 0).count(), 0);
  EXPECT_GT((ds.y.array() < 0).count(), 0);
}

TEST(Teacher, TrainAndTestShareTheTeacher) {
  TeacherOptions train, test;
  test.seed = 99;
  const Teacher a = MakeTeacher(train), b = MakeTeacher(test);
  EXPECT_EQ(a.U, b.U);
  EXPECT_EQ(a.a, b.a);
  EXPECT_NE(GenerateTeacher(train).X, GenerateTeacher(test).X);
  test.teacher_seed = 1;
  EXPECT_NE(MakeTeacher(test).U, a.U);
}

TEST(Teacher, TeacherLaw) {
  TeacherOptions o;
  o.k = 8;
  const Teacher t = MakeTeacher(o);
  for (Index j = 0; j < o.k; ++j) {
    EXPECT_NEAR(t.U.row(j).norm(), 1.0, 1e-14);
    EXPECT_EQ(t.a(j) >= 0, j % 2 == 0);
  }
}

TEST(Teacher, RegressionLabelsAreTeacherOutputs) {
  TeacherOptions o;
  o.task = "regression";
  o.input = "gaussian";
  o.n = 300;
  const Dataset ds = GenerateTeacher(o);
  EXPECT_EQ(ds.kind, LabelKind::kReal);
  EXPECT_LT((ds.y - MakeTeacher(o).Eval(ds.X)).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_NEAR(ds.X.rowwise().squaredNorm().mean(), 1.0, 0.1);  // E||x||² = 1
}

TEST(Teacher, UnreachableMarginIsAClearError) {
  TeacherOptions o;
  o.margin = 50.0;  // |f*(x)| ≤ Σ|a_j| ≪ 50 on the unit sphere
  o.max_draws_per_example = 10;
  try {
    GenerateTeacher(o);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("margin=50 is not reachable"), std::string::npos) << msg;
    EXPECT_NE(msg.find("largest |f*(x)| seen"), std::string::npos) << msg;
  }
}

TEST(Teacher, RejectsBadParameters) {
  TeacherOptions o;
  o.task = "regression";
  o.margin = 0.1;
  EXPECT_THROW(GenerateTeacher(o), InputError);
  TeacherOptions p;
  p.input = "cube";
  EXPECT_THROW(GenerateTeacher(p), InputError);
  TeacherOptions q;
  q.n = -1;
  EXPECT_THROW(GenerateTeacher(q), InputError);
}

}  // namespace
}  // namespace marginlab
