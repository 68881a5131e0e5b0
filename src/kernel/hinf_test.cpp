// Ji's H∞ and λ₀: known values.
#include "marginlab/kernel/hinf.hpp"

#include <gtest/gtest.h>

#include "marginlab/core/rng.hpp"

namespace marginlab::kernel {
namespace {

TEST(HInfinity, OrthonormalInputsGiveHalfIdentity) {
  const Matrix X = Matrix::Identity(6, 6);  // θ = π/2 off the diagonal: H∞ = I/2
  const Matrix H = HInfinity(X);
  EXPECT_LT((H - 0.5 * Matrix::Identity(6, 6)).cwiseAbs().maxCoeff(), 1e-16);
  EXPECT_NEAR(LambdaZero(X), 0.5, 1e-15);
}

TEST(HInfinity, PositiveForDistinctDirectionsZeroForDuplicates) {
  Rng rng(1);
  Matrix X = rng.NormalMatrix(30, 4);
  X.rowwise().normalize();
  const double l0 = LambdaZero(X);
  EXPECT_GT(l0, 1e-6);
  EXPECT_LE(l0, 0.5 + 1e-12);  // ≤ the mean diagonal entry ‖x‖²/2
  X.row(7) = X.row(3);
  EXPECT_NEAR(LambdaZero(X), 0.0, 1e-12);
}

}  // namespace
}  // namespace marginlab::kernel
