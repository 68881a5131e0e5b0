#include "marginlab/data/teacher.hpp"

#include <gtest/gtest.h>

#include "data/spec_error_test_util.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/data/source.hpp"
#include "sampling.hpp"

namespace marginlab {
namespace {
using testing::SpecError;

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




TEST(Teacher, SizesAndDrawLimitsFailInValidate) {
  EXPECT_HAS(SpecError("teacher:n=10000000000"), "n=10000000000 and d=20");
  EXPECT_HAS(SpecError("teacher:k=100000000,d=100"),
             "k=100000000 and d=100 (a 100000000 x 100 teacher weight matrix, as doubles) would need");
  EXPECT_HAS(SpecError("teacher:n=1,k=4294967296,d=4294967296"), "n=1 and d=4294967296");
  // max_draws_per_example · n overflowed a signed long (undefined behaviour;
  // a nonsense "0 draws" error, or a wrapped limit).
  EXPECT_HAS(SpecError("teacher:n=100,margin=0.01,max_draws_per_example=100000000000000000"),
             "max_draws_per_example must be in [1, 1000000000], got 100000000000000000");
  EXPECT_HAS(SpecError("teacher:margin=inf"), "margin");
}

TEST(Teacher, UnreachableMarginsAreRefusedFast) {
  // margin 50 exceeds the teacher's bound on the sphere: refused before any draw. (No timing
  // here: tests assert what was done, not how fast — under the sanitizers a 1 s bound failed.)
  std::string msg = SpecError("teacher:margin=50");
  EXPECT_HAS(msg, "margin=50 is not reachable: on the unit sphere |f*(x)| <= ");
  // In d = 696, |f*(x)| concentrates near 0 (median 0.05): margin=0.3 keeps
  // 0.15% of the draws (feasible: 200 examples in ~135,000 of the 200,000
  // draws allowed, about 1 s), margin=0.45 about 0.001% — hopeless, and found
  // so after about 46,000 draws instead of all 200,000.
  msg = SpecError("teacher:d=696,margin=0.45");
  EXPECT_HAS(msg, "margin=0.45 is not reachable: only ");
  EXPECT_HAS(msg, "(stopped early");
}

TEST(Teacher, RejectionBudgetStopsEarlyOnlyWhenHopeless) {
  using data_internal::RejectionBudget;
  RejectionBudget none(200, 1000);  // 200,000 draws allowed
  std::uint64_t d = 0;
  while (!none.Stop(d, 0)) ++d;
  EXPECT_TRUE(none.stopped_early());
  EXPECT_LT(d, 80000u);
  // Acceptance at twice the rate needed (1/500 per draw): never stopped early.
  RejectionBudget enough(200, 1000);
  for (std::uint64_t draws = 0, accepted = 0; accepted < 200; ++draws) {
    ASSERT_FALSE(enough.Stop(draws, accepted)) << draws;
    if (draws % 500 == 499) ++accepted;
  }
  // Exactly at the rate needed, accepted at the last moment: not stopped early either.
  RejectionBudget tight(10, 1000);
  for (std::uint64_t draws = 0, accepted = 0; accepted < 10; ++draws) {
    ASSERT_FALSE(tight.Stop(draws, accepted)) << draws;
    if (draws % 1000 == 999) ++accepted;
  }
  // Overflow-safe: n · max_draws_per_example saturates.
  RejectionBudget huge(std::numeric_limits<long>::max(), data_internal::kMaxDrawsPerExample);
  EXPECT_EQ(huge.max_draws(), kNoFit);
  EXPECT_FALSE(huge.Stop(1, 0));
}

}  // namespace
}  // namespace marginlab
