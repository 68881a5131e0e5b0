#include "marginlab/margin/lp.hpp"

#include <gtest/gtest.h>

#include "marginlab/core/error.hpp"
#include "marginlab/core/features.hpp"

namespace marginlab::margin {
namespace {

// max 3x + 5y  s.t.  x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18, x, y ≥ 0:
// the optimum is (2, 6) with value 36 and duals (0, 3/2, 1) (a textbook LP).
TEST(LpTest, ClpSolvesTextbookMaximization) {
  if (!HaveFeature("clp")) GTEST_SKIP() << "built without Clp";
  auto be = MakeLpBackend("clp");
  LpProblem lp = LpProblem::Make(3, 2);
  lp.maximize = true;
  lp.c << 3, 5;
  lp.A << 1, 0, 0, 2, 3, 2;
  lp.row_upper << 4, 12, 18;
  const LpSolution s = be->Solve(lp);
  ASSERT_EQ(s.status, LpStatus::kOptimal);
  EXPECT_NEAR(s.objective, 36, 1e-10);
  EXPECT_NEAR(s.x[0], 2, 1e-10);
  EXPECT_NEAR(s.x[1], 6, 1e-10);
  // Strong duality: bᵀy = cᵀx with the row duals.
  EXPECT_NEAR(s.y[0], 0, 1e-10);
  EXPECT_NEAR(std::abs(s.y[1]), 1.5, 1e-10);
  EXPECT_NEAR(std::abs(s.y[2]), 1.0, 1e-10);
}

// min x + y  s.t.  x + 2y ≥ 2, 3x + y ≥ 3: optimum (4/5, 3/5), value 7/5,
// duals y = (2/5, 1/5) ≥ 0 on the active "≥" rows.
TEST(LpTest, ClpMinimizationDualSigns) {
  if (!HaveFeature("clp")) GTEST_SKIP() << "built without Clp";
  auto be = MakeLpBackend();
  LpProblem lp = LpProblem::Make(2, 2);
  lp.c << 1, 1;
  lp.A << 1, 2, 3, 1;
  lp.row_lower << 2, 3;
  const LpSolution s = be->Solve(lp);
  ASSERT_EQ(s.status, LpStatus::kOptimal);
  EXPECT_NEAR(s.objective, 1.4, 1e-12);
  EXPECT_NEAR(s.x[0], 0.8, 1e-12);
  EXPECT_NEAR(s.x[1], 0.6, 1e-12);
  EXPECT_NEAR(s.y[0], 0.4, 1e-12);
  EXPECT_NEAR(s.y[1], 0.2, 1e-12);
  const Vector r = lp.c - lp.A.transpose() * s.y;
  EXPECT_NEAR((r - s.reduced_cost).norm(), 0, 1e-12);
}

TEST(LpTest, ClpReportsInfeasibleAndUnbounded) {
  if (!HaveFeature("clp")) GTEST_SKIP() << "built without Clp";
  auto be = MakeLpBackend();
  LpProblem inf = LpProblem::Make(1, 1);
  inf.c << 1;
  inf.A << 1;
  inf.row_upper << -1;  // x ≤ −1 with x ≥ 0
  EXPECT_EQ(be->Solve(inf).status, LpStatus::kInfeasible);
  LpProblem unb = LpProblem::Make(1, 1);
  unb.c << -1;
  unb.A << 1;
  unb.row_lower << 1;  // min −x with x ≥ 1
  EXPECT_EQ(be->Solve(unb).status, LpStatus::kUnbounded);
}

TEST(LpTest, UnknownBackendIsInputError) {
  EXPECT_THROW(MakeLpBackend("gurobi"), InputError);
}

TEST(LpTest, ValidateNamesTheProblem) {
  LpProblem lp = LpProblem::Make(1, 2);
  lp.col_lower[1] = 2;
  lp.col_upper[1] = 1;
  EXPECT_NE(lp.Validate().find("column 1"), std::string::npos);
}

}  // namespace
}  // namespace marginlab::margin
