// Closed forms: special values, relations between kernels, the deep recursion's conventions.
#include "marginlab/kernel/closed_form.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/core/rng.hpp"

namespace marginlab::kernel {
namespace {
constexpr double kPi = 3.14159265358979323846;

KernelOptions Opts(const std::string& k, double rw = 1, double ru = 1) {
  KernelOptions o;
  o.kernel = k;
  o.rw = rw;
  o.ru = ru;
  return o;
}

TEST(ClosedForm, AngleSpecialValues) {
  Vector x(3), y(3);
  x << 1, 2, 3;
  EXPECT_EQ(AngleBetween(x, x), 0.0);
  EXPECT_NEAR(AngleBetween(x, 2.5 * x), 0.0, 1e-15);
  EXPECT_NEAR(AngleBetween(x, -x), kPi, 1e-15);
  y << 3, 0, -1;
  EXPECT_NEAR(AngleBetween(x, y), kPi / 2, 1e-15);
  // A tiny angle is resolved to full relative precision (acos would give ~1e-8 noise).
  Vector z = x;
  z[0] += 1e-9;
  const double exact = (Eigen::Vector3d(x).cross(Eigen::Vector3d(z))).norm() / (x.norm() * z.norm());  // sin θ ≈ θ
  EXPECT_NEAR(AngleBetween(x, z) / exact, 1.0, 1e-7);
}

TEST(ClosedForm, NtkSpecialValues) {
  Vector x(4), y(4);
  x << 0.3, -1.2, 2.0, 0.5;
  const double rw = 0.7, ru = 1.3, n2 = x.squaredNorm();
  const KernelOptions o = Opts("ntk", rw, ru);
  EXPECT_NEAR(KernelReference(o, x, x), (rw * rw + ru * ru) * n2 / 2, 1e-15 * n2);
  EXPECT_NEAR(KernelReference(o, x, 3 * x), 3 * (rw * rw + ru * ru) * n2 / 2, 1e-14 * n2);
  EXPECT_NEAR(KernelReference(o, x, -x), 0.0, 1e-15 * n2);
  // θ = π/2: only the r_u term survives, ab/(2π) r_u².
  y << 1.2, 0.3, 0, 0;
  ASSERT_NEAR(x.dot(y), 0.0, 1e-15);
  EXPECT_NEAR(KernelReference(o, x, y), ru * ru * x.norm() * y.norm() / (2 * kPi), 1e-15);
  // Zero input.
  EXPECT_EQ(KernelReference(o, x, Vector::Zero(4)), 0.0);
}

TEST(ClosedForm, FamilyRelations) {
  Rng rng(3);
  const Vector x = rng.NormalMatrix(5, 1), y = rng.NormalMatrix(5, 1);
  const double ntk = KernelReference(Opts("ntk", 1, 1), x, y);
  const double relu = KernelReference(Opts("relu", 0, 1), x, y);
  const double hinf = KernelReference(Opts("hinf"), x, y);
  const double ac1 = KernelReference(Opts("arccos1"), x, y);
  const double ac0 = KernelReference(Opts("arccos0"), x, y);
  EXPECT_NEAR(ntk, relu + hinf, 1e-14);
  EXPECT_NEAR(relu, ac1 / 2, 1e-14);
  EXPECT_NEAR(hinf, x.dot(y) * ac0 / 2, 1e-14);
  EXPECT_NEAR(KernelReference(Opts("ntk", 0, 1), x, y), relu, 1e-15);
  const double theta = AngleBetween(x, y);
  EXPECT_NEAR(ac0, 1 - theta / kPi, 1e-15);
  EXPECT_NEAR(KernelReference(Opts("arccos0"), x, x), 1.0, 1e-15);
  EXPECT_NEAR(KernelReference(Opts("arccos0"), x, -x), 0.0, 1e-15);
}

TEST(ClosedForm, PiMinusJSeriesMatchesDirect) {
  for (double t : {1e-6, 1e-3, 0.1, 0.49, 0.5, 0.51, 1.0, 2.0, 3.0}) {
    const double direct = kPi - (std::sin(t) + (kPi - t) * std::cos(t));
    const double v = PiMinusJ(std::sin(t), std::cos(t), t);
    EXPECT_NEAR(v, direct, 1e-15 + 1e-12 * std::fabs(direct)) << t;
  }
  // Small θ: π − J ≈ πθ²/2 − θ³/3 to full relative accuracy.
  const double t = 1e-5;
  EXPECT_NEAR(PiMinusJ(std::sin(t), std::cos(t), t) / (kPi * t * t / 2 - t * t * t / 3), 1.0, 1e-9);
}

TEST(ClosedForm, DeepDepthTwoEqualsWeiNtkOverD) {
  Rng rng(5);
  const Index d = 6;
  const Vector x = rng.NormalMatrix(d, 1), y = rng.NormalMatrix(d, 1);
  KernelOptions o = Opts("deep-ntk");
  o.depth = 2;
  EXPECT_NEAR(KernelReference(o, x, y), KernelReference(Opts("ntk", 1, 1), x, y) / d, 1e-14);
  o.kernel = "deep-nngp";
  EXPECT_NEAR(KernelReference(o, x, y), KernelReference(Opts("relu", 0, 1), x, y) / d, 1e-14);
  // Depth 1: the linear kernel (with bias b²).
  o.depth = 1;
  o.b_std = 0.5;
  o.w_std = 2;
  EXPECT_NEAR(KernelReference(o, x, y), 4 * x.dot(y) / d + 0.25, 1e-14);
}

TEST(ClosedForm, DeepDiagonalMatchesPairAtIdenticalInputs) {
  Rng rng(6);
  const Index d = 7;
  const Vector x = rng.NormalMatrix(d, 1);
  for (const char* param : {"ntk", "standard"})
    for (double b : {0.0, 0.3}) {
      KernelOptions o = Opts("deep-ntk");
      o.depth = 4;
      o.b_std = b;
      o.w_std = 1.4;
      o.parameterization = param;
      o.width = 50;
      const DeepKernelValue diag = DeepKernelDiagonal(o, d, x.squaredNorm());
      const double ntk = KernelReference(o, x, x);
      o.kernel = "deep-nngp";
      const double nngp = KernelReference(o, x, x);
      EXPECT_NEAR(ntk / diag.ntk, 1.0, 1e-14) << param << b;
      EXPECT_NEAR(nngp / diag.nngp, 1.0, 1e-14) << param << b;
    }
}

TEST(ClosedForm, DeepStandardNtkKnownValue) {
  // Depth 2, standard, no bias: Θ = n_in·Σ_relu + W²(d·Σ₀)·Σ̇ with Σ₀ = g/d.
  Rng rng(8);
  const Index d = 3;
  const Vector x = rng.NormalMatrix(d, 1), y = rng.NormalMatrix(d, 1);
  KernelOptions o = Opts("deep-ntk");
  o.parameterization = "standard";
  o.width = 10;
  const double theta = AngleBetween(x, y), ab = x.norm() * y.norm();
  const double relu = ab / d * (std::sin(theta) + (kPi - theta) * std::cos(theta)) / (2 * kPi);
  const double expected = 10 * relu + x.dot(y) * (kPi - theta) / (2 * kPi);
  EXPECT_NEAR(KernelReference(o, x, y), expected, 1e-13);
}

}  // namespace
}  // namespace marginlab::kernel
