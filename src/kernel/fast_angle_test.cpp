// SqrtAndPiMinusAngle (fast_angle.hpp) against long-double sqrtl/atan2l: random angles over many
// scales, both signs of g, and the edges of its argument reduction (s = |g|, a = tan(π/8)·b,
// g = 0, θ near 0 and π as far as Gram sends them to it).
#include "kernel/fast_angle.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "marginlab/core/rng.hpp"

namespace marginlab::kernel {
namespace {

#if defined(__AVX512F__)
constexpr long double kPiL = 3.141592653589793238462643383279502884L;

// |x − exact| in units of the double spacing at exact.
double Ulps(double x, long double exact) {
  const double e = static_cast<double>(exact);
  const double spacing = std::nextafter(std::fabs(e), INFINITY) - std::fabs(e);
  return static_cast<double>(std::fabs(static_cast<long double>(x) - exact)) / spacing;
}

struct Worst {
  double s = 0, angle = 0;
};

// Runs the lanes in groups of 8 and returns the worst errors.
Worst Check(const std::vector<double>& s2, const std::vector<double>& g) {
  Worst w;
  for (std::size_t i = 0; i + 8 <= s2.size(); i += 8) {
    __m512d vs, vp;
    SqrtAndPiMinusAngle(_mm512_loadu_pd(s2.data() + i), _mm512_loadu_pd(g.data() + i), vs, vp);
    double s[8], pm[8];
    _mm512_storeu_pd(s, vs);
    _mm512_storeu_pd(pm, vp);
    for (int k = 0; k < 8; ++k) {
      const long double es = std::sqrt(static_cast<long double>(s2[i + k]));
      const long double ep = kPiL - std::atan2(es, static_cast<long double>(g[i + k]));
      EXPECT_EQ(s[k], std::sqrt(s2[i + k])) << "s² = " << s2[i + k];
      w.s = std::max(w.s, Ulps(s[k], es));
      const double u = Ulps(pm[k], ep);
      EXPECT_LE(u, 3.0) << "s² = " << s2[i + k] << ", g = " << g[i + k] << ": π − θ = " << pm[k];
      w.angle = std::max(w.angle, u);
    }
  }
  return w;
}

TEST(FastAngle, RandomAnglesAndScalesWithinThreeUlps) {
  Rng rng(20261122);
  std::vector<double> s2, g;
  for (int i = 0; i < 400000; ++i) {
    const double scale = std::exp(40.0 * (rng.Uniform() - 0.5));  // e^±20
    const double th = 0.01 + (kPiL - 0.02) * rng.Uniform();      // Gram's range for this path
    g.push_back(scale * std::cos(th));
    const double sn = scale * std::sin(th);
    s2.push_back(sn * sn);
  }
  const Worst w = Check(s2, g);
  EXPECT_LE(w.s, 0.5);
  RecordProperty("worst_angle_ulps", std::to_string(w.angle));
}

TEST(FastAngle, EdgesOfTheReduction) {
  std::vector<double> s2, g;
  auto add = [&](double s, double gg) {
    s2.push_back(s * s);
    g.push_back(gg);
  };
  const double t8 = 0.41421356237309503;
  for (double b : {1e-30, 1e-3, 1.0, 7.5, 1e30})
    for (double sign : {1.0, -1.0})
      for (double f : {1.0, std::nextafter(1.0, 0.0), std::nextafter(1.0, 2.0), t8, std::nextafter(t8, 0.0),
                       std::nextafter(t8, 1.0), 0.5, 0.0}) {
        add(b, sign * f * b);  // s = b, |g| = f b
        if (f > 0) add(f * b, sign * b);  // s = f b, |g| = b
      }
  while (s2.size() % 8 != 0) add(1.0, 0.25);
  Check(s2, g);
  // g = 0: θ = π/2 exactly as the double nearest π/2 (π − θ computed as π − π/2).
  __m512d vs, vp;
  SqrtAndPiMinusAngle(_mm512_set1_pd(4.0), _mm512_setzero_pd(), vs, vp);
  double pm[8];
  _mm512_storeu_pd(pm, vp);
  EXPECT_NEAR(pm[0], 1.5707963267948966, 2.3e-16);
}
#else
TEST(FastAngle, RequiresAvx512) { GTEST_SKIP() << "built without AVX-512: Gram uses the generic path"; }
#endif

}  // namespace
}  // namespace marginlab::kernel
