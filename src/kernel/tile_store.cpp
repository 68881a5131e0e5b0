// Transposed tile stores: 8×8 register transposes and non-temporal writes (tile_store.hpp).
#include "kernel/tile_store.hpp"

#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace marginlab::kernel {
namespace {
#if defined(__AVX512F__)
bool Aligned64(const double* p) { return (reinterpret_cast<std::uintptr_t>(p) & 63u) == 0; }

// v[k] = column k of an 8×8 block → v[m] = row m.
inline void Transpose8x8(__m512d v[8]) {
  __m512d t[8], u[8];
  for (int k = 0; k < 4; ++k) {
    t[2 * k] = _mm512_unpacklo_pd(v[2 * k], v[2 * k + 1]);
    t[2 * k + 1] = _mm512_unpackhi_pd(v[2 * k], v[2 * k + 1]);
  }
  for (int h = 0; h < 2; ++h) {  // h = 0: columns 0–3, h = 1: columns 4–7
    u[4 * h + 0] = _mm512_shuffle_f64x2(t[4 * h + 0], t[4 * h + 2], 0x88);
    u[4 * h + 1] = _mm512_shuffle_f64x2(t[4 * h + 0], t[4 * h + 2], 0xDD);
    u[4 * h + 2] = _mm512_shuffle_f64x2(t[4 * h + 1], t[4 * h + 3], 0x88);
    u[4 * h + 3] = _mm512_shuffle_f64x2(t[4 * h + 1], t[4 * h + 3], 0xDD);
  }
  // u[0] rows 0/4, u[1] rows 2/6, u[2] rows 1/5, u[3] rows 3/7 (of columns 0–3; u[4..7] of 4–7).
  v[0] = _mm512_shuffle_f64x2(u[0], u[4], 0x88);
  v[4] = _mm512_shuffle_f64x2(u[0], u[4], 0xDD);
  v[2] = _mm512_shuffle_f64x2(u[1], u[5], 0x88);
  v[6] = _mm512_shuffle_f64x2(u[1], u[5], 0xDD);
  v[1] = _mm512_shuffle_f64x2(u[2], u[6], 0x88);
  v[5] = _mm512_shuffle_f64x2(u[2], u[6], 0xDD);
  v[3] = _mm512_shuffle_f64x2(u[3], u[7], 0x88);
  v[7] = _mm512_shuffle_f64x2(u[3], u[7], 0xDD);
}
#endif
}  // namespace

void StoreTileTransposed(const double* src, Index ld_src, Index r, Index c, double* dst, Index ld_dst) {
  Index i0 = 0;
#if defined(__AVX512F__)
  // 8×8 blocks: rows i0..i0+7 of the source become columns of the destination.
  for (; i0 + 8 <= r; i0 += 8) {
    Index j0 = 0;
    for (; j0 + 8 <= c; j0 += 8) {
      __m512d v[8];
      for (int k = 0; k < 8; ++k) v[k] = _mm512_loadu_pd(src + i0 + (j0 + k) * ld_src);
      Transpose8x8(v);
      for (int m = 0; m < 8; ++m) {
        double* d = dst + j0 + (i0 + m) * ld_dst;
        if (Aligned64(d))
          _mm512_stream_pd(d, v[m]);
        else
          _mm512_storeu_pd(d, v[m]);
      }
    }
    for (Index i = i0; i < i0 + 8; ++i)
      for (Index j = j0; j < c; ++j) dst[j + i * ld_dst] = src[i + j * ld_src];
  }
  _mm_sfence();
#endif
  for (Index i = i0; i < r; ++i)
    for (Index j = 0; j < c; ++j) dst[j + i * ld_dst] = src[i + j * ld_src];
}

void StoreTile(const double* src, Index ld_src, Index r, Index c, double* dst, Index ld_dst) {
  for (Index j = 0; j < c; ++j) {
    const double* s = src + j * ld_src;
    double* d = dst + j * ld_dst;
    Index i = 0;
#if defined(__AVX512F__)
    for (; i < r && !Aligned64(d + i); ++i) d[i] = s[i];
    for (; i + 8 <= r; i += 8) _mm512_stream_pd(d + i, _mm512_loadu_pd(s + i));
#endif
    for (; i < r; ++i) d[i] = s[i];
  }
#if defined(__AVX512F__)
  _mm_sfence();
#endif
}

}  // namespace marginlab::kernel
