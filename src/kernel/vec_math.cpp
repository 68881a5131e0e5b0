// Vectorized atan2 and sqrt (vec_math.hpp).
#include "marginlab/kernel/vec_math.hpp"

#include <cmath>

#include "marginlab/build_config.hpp"

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif
#if MARGINLAB_HAVE_SLEEF && (defined(__AVX512F__) || defined(__AVX2__))
#include <sleef.h>
#define ML_VEC_SLEEF 1
#else
#define ML_VEC_SLEEF 0
#endif

namespace marginlab::kernel {

const char* VecMathPath() {
#if ML_VEC_SLEEF && defined(__AVX512F__)
  return "sleef-avx512";
#elif ML_VEC_SLEEF
  return "sleef-avx2";
#else
  return "scalar";
#endif
}

void VecAtan2(const double* y, const double* x, double* out, Index n) {
  Index i = 0;
#if ML_VEC_SLEEF && defined(__AVX512F__)
  for (; i + 8 <= n; i += 8)
    _mm512_storeu_pd(out + i, Sleef_atan2d8_u35avx512f(_mm512_loadu_pd(y + i), _mm512_loadu_pd(x + i)));
#elif ML_VEC_SLEEF
  for (; i + 4 <= n; i += 4)
    _mm256_storeu_pd(out + i, Sleef_atan2d4_u35avx2(_mm256_loadu_pd(y + i), _mm256_loadu_pd(x + i)));
#endif
  for (; i < n; ++i) out[i] = std::atan2(y[i], x[i]);
}

void VecSqrtClamped(const double* in, double* out, Index n) {
  Index i = 0;
#if defined(__AVX512F__)
  const __m512d zero = _mm512_setzero_pd();
  for (; i + 8 <= n; i += 8)
    _mm512_storeu_pd(out + i, _mm512_sqrt_pd(_mm512_max_pd(_mm512_loadu_pd(in + i), zero)));
#elif defined(__AVX2__)
  const __m256d zero = _mm256_setzero_pd();
  for (; i + 4 <= n; i += 4)
    _mm256_storeu_pd(out + i, _mm256_sqrt_pd(_mm256_max_pd(_mm256_loadu_pd(in + i), zero)));
#endif
  for (; i < n; ++i) out[i] = std::sqrt(in[i] > 0 ? in[i] : 0.0);
}

}  // namespace marginlab::kernel
