// Vectorized elementwise math for Gram tiles.
//
// VecAtan2 uses SLEEF's Sleef_atan2d8_u35avx512f (AVX-512) or Sleef_atan2d4_u35avx2 (AVX2), whose
// documented maximum error is 3.5 ulp, and std::atan2 on the tail and where neither is available;
// the deep kernels and the non-AVX-512 two-layer path use it (the AVX-512 two-layer pass uses
// fast_angle.hpp instead);
// VecSqrt uses the hardware square root (correctly rounded). Build flag MARGINLAB_WITH_SLEEF.
#pragma once

#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

// out[i] = atan2(y[i], x[i]) for 0 ≤ i < n (out may alias neither input).
void VecAtan2(const double* y, const double* x, double* out, Index n);
// out[i] = sqrt(max(in[i], 0)) (out may alias in).
void VecSqrtClamped(const double* in, double* out, Index n);
// Which path VecAtan2 takes in this build: "sleef-avx512", "sleef-avx2" or "scalar".
const char* VecMathPath();

}  // namespace marginlab::kernel
