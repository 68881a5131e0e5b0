// s = √s² and π − θ with θ = atan2(s, g) ∈ [0, π], eight lanes at a time (AVX-512).
//
// Why by hand: this is the inner loop of every two-layer Gram matrix (gram.cpp), and a general
// atan2 does more than it needs. SLEEF's Sleef_atan2d8_u35avx512f, used here before, handles every
// sign of y and x and evaluates a degree-19 polynomial in t² on t ∈ [0, 1]; with the sqrt and the
// final FMA it was a third of Gram's profile at d = 100. Here y = s ≥ 0 always, one more reduction
// brings the argument to |q| ≤ tan(π/8), where a degree-10 polynomial in q² is accurate to 3e-17:
// Gram(n = 2000) ran 10–25% faster (bench_kernel_gram, d = 100 and 20). The quotient and the root
// use the hardware divide and sqrt (correctly rounded); they run on the divide unit beside the FMAs.
//
// Algorithm (the classical argument reduction, e.g. Muller, "Elementary Functions", ch. 11):
//   s = √s²; a = min(s, |g|), b = max(s, |g|); if a > tan(π/8)·b then q = (a − b)/(a + b) and
//   φ = π/4 + atan q, else q = a/b and φ = atan q; so |q| ≤ tan(π/8) and φ = atan(a/b) ∈ [0, π/4];
//   atan q = q + q z P(z), z = q², P of degree 10: the Chebyshev interpolant in z of
//   (atan √z/√z − 1)/z on [0, tan²(π/8)] (error 3.2e-17; scripts/gen_atan_poly.py computes it with
//   mpmath); θ′ = atan(s/|g|) = φ, or π/2 − φ where s > |g|; π − θ = π − θ′ for g ≥ 0, θ′ for g < 0.
// Accuracy (fast_angle_test.cpp, against long-double sqrtl/atan2l): s correctly rounded; π − θ
// within 3 ulp (the worst case is the cancellation in π/4 + atan q near q = −tan(π/8)), as accurate
// as the SLEEF path it replaces (documented ≤ 3.5 ulp).
// Domain: s² > 0 or g ≠ 0, both finite; a lane with s² = g = 0 gives NaN (Gram sends those to its
// scalar path anyway, with every lane where s² ≤ 1e-4‖x‖²‖x′‖²).
#pragma once

#if defined(__AVX512F__)
#include <immintrin.h>

namespace marginlab::kernel {

inline void SqrtAndPiMinusAngle(__m512d s2, __m512d g, __m512d& s, __m512d& pi_minus_theta) {
  const __m512d sq = _mm512_sqrt_pd(s2);
  const __m512d ag = _mm512_abs_pd(g);
  const __m512d a = _mm512_min_pd(sq, ag), b = _mm512_max_pd(sq, ag);
  const __mmask8 big =
      _mm512_cmp_pd_mask(a, _mm512_mul_pd(_mm512_set1_pd(0.41421356237309503), b), _CMP_GT_OQ);
  const __m512d q = _mm512_div_pd(_mm512_mask_sub_pd(a, big, a, b), _mm512_mask_add_pd(b, big, a, b));
  const __m512d z = _mm512_mul_pd(q, q);
  __m512d p = _mm512_set1_pd(-0.01917688711906226);
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(0.03923165829558719));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(-0.0508544973794026));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(0.0585814891280221));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(-0.06664511447381948));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(0.07692183190826087));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(-0.09090904578123903));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(0.11111111015256361));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(-0.14285714284666542));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(0.1999999999999552));
  p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(-0.3333333333333333));
  __m512d phi = _mm512_fmadd_pd(_mm512_mul_pd(q, z), p, q);
  phi = _mm512_mask_add_pd(phi, big, phi, _mm512_set1_pd(0.78539816339744831));  // + π/4
  const __mmask8 steep = _mm512_cmp_pd_mask(sq, ag, _CMP_GT_OQ);
  const __m512d th = _mm512_mask_sub_pd(phi, steep, _mm512_set1_pd(1.5707963267948966), phi);
  const __mmask8 neg = _mm512_cmp_pd_mask(g, _mm512_setzero_pd(), _CMP_LT_OQ);
  s = sq;
  pi_minus_theta = _mm512_mask_sub_pd(th, static_cast<__mmask8>(~neg), _mm512_set1_pd(3.141592653589793), th);
}

}  // namespace marginlab::kernel
#endif
