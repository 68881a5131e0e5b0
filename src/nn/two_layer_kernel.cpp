// Fused two-layer block kernels (see the header for the design and why they are hand-written).
#include "marginlab/nn/two_layer_kernel.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif
#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#include <cstring>
#include <vector>

#include "marginlab/nn/mlp.hpp"

namespace marginlab::nn {
namespace {

template <class T>
struct Simd;
template <>
struct Simd<double> {
  typedef double V __attribute__((vector_size(64)));
  typedef std::int64_t I __attribute__((vector_size(64)));
  typedef std::uint8_t Bits;  // one bit per lane
  static constexpr Index L = 8;
};
template <>
struct Simd<float> {
  typedef float V __attribute__((vector_size(64)));
  typedef std::int32_t I __attribute__((vector_size(64)));
  typedef std::uint16_t Bits;
  static constexpr Index L = 16;
};

template <class T>
using Vec = typename Simd<T>::V;
template <class T>
using Bits = typename Simd<T>::Bits;

// The activation pattern is kept as bits: lane l of a vector ↔ bit l. With AVX-512 these are
// exactly the mask registers (one compare to make them, one masked move to use them); the
// portable fallback builds and tests the bits lane by lane.
template <class T>
inline Bits<T> PositiveBits(Vec<T> v) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, double>)
    return _mm512_cmp_pd_mask(v, _mm512_setzero_pd(), _CMP_GT_OQ);
  else
    return _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ);
#else
  Bits<T> b = 0;
  for (Index l = 0; l < Simd<T>::L; ++l) b |= static_cast<Bits<T>>(v[l] > T(0)) << l;
  return b;
#endif
}
// g where the bit is set, else 0.
template <class T>
inline Vec<T> SelectBits(Bits<T> b, Vec<T> g) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, double>)
    return _mm512_maskz_mov_pd(b, g);
  else
    return _mm512_maskz_mov_ps(b, g);
#else
  using I = typename Simd<T>::I;
  I lane;
  for (Index l = 0; l < Simd<T>::L; ++l) lane[l] = static_cast<typename std::remove_reference_t<decltype(lane[0])>>(1) << l;
  const I set = ((I{} + b) & lane) != I{};
  return set ? g : Vec<T>{};
#endif
}
// The bits of lanes c … c + L − 1 of row i of a block's pattern (kUnitBlock / 8 bytes per row).
template <class T>
inline Bits<T>* MaskAt(std::uint8_t* mask, Index i, Index c) {
  return reinterpret_cast<Bits<T>*>(mask + i * (kUnitBlock / 8) + c / 8);
}
template <class T>
inline Bits<T> MaskAt(const std::uint8_t* mask, Index i, Index c) {
  Bits<T> b;
  std::memcpy(&b, mask + i * (kUnitBlock / 8) + c / 8, sizeof b);
  return b;
}

template <class T>
inline Vec<T> Load(const T* p) {
  Vec<T> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
inline void Store(T* p, Vec<T> v) {
  std::memcpy(p, &v, sizeof v);
}
template <class T>
inline Vec<T> Relu(Vec<T> v) {
  const Vec<T> zero{};
  return v > zero ? v : zero;
}
// Lanes summed in order 0, 1, …, L−1.
template <class T>
inline T Sum(Vec<T> v) {
  T s = v[0];
  for (Index l = 1; l < Simd<T>::L; ++l) s += v[l];
  return s;
}

constexpr Index kRows = 8;  // examples per register tile

// Subnormal numbers flushed to zero (FTZ, DAZ) for the scope of a backward block. With large
// margins the loss derivatives f′_i = −y σ(−y f_i) underflow into the subnormal range (float32
// below 1.2e-38 from |f| ≈ 87), and every FMA that reads or makes a subnormal takes a microcode
// assist of ~100 cycles: the float32 step at m = 4096 (outputs of size √m) ran at half the
// double step's speed. Flushed, such a term contributes 0 instead of less than the smallest
// normal number times |x|. Every thread runs every block in this mode, so results stay
// independent of the thread count.
class FlushSubnormals {
 public:
#if defined(__SSE__)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }  // FTZ | DAZ
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  unsigned saved_;
#endif
};

// The block packed for the kernels: Up[k * P + j] = U(j0 + j, k), wv[j] = w2(0, j0 + j), zero
// beyond w; P = w rounded up to two vectors.
template <class T>
struct Packed {
  Index P = 0;
  std::vector<T> Up, wv, G;
  void Pack(const MatrixT<T>& U, const MatrixT<T>& w2, Index j0, Index w) {
    const Index L2 = 2 * Simd<T>::L, d = U.cols();
    P = (w + L2 - 1) / L2 * L2;
    Up.assign(static_cast<std::size_t>(P * d), T(0));
    wv.assign(static_cast<std::size_t>(P), T(0));
    for (Index k = 0; k < d; ++k)
      for (Index j = 0; j < w; ++j) Up[k * P + j] = U(j0 + j, k);
    for (Index j = 0; j < w; ++j) wv[j] = w2(0, j0 + j);
  }
};

// initial-exec: libmarginlab is a shared library, where the default TLS model calls
// __tls_get_addr, and GCC recomputes the address inside the block loops (7.6% of a training
// step, measured with perf); initial-exec reads it from the thread pointer. The variable is a
// few vectors' headers, well inside the static TLS that glibc keeps for dlopen'ed libraries.
template <class T>
Packed<T>& LocalPacked() {
  thread_local Packed<T> p __attribute__((tls_model("initial-exec")));
  return p;
}

// z[r][0..1] for examples i0 … i0 + R − 1 and unit vectors c, c + L of the packed block.
template <class T, Index R>
inline void Z(const T* Xd, Index n, Index d, const T* Up, Index P, Index i0, Index c,
              Vec<T> (&z)[R][2]) {
  constexpr Index L = Simd<T>::L;
  for (Index r = 0; r < R; ++r) z[r][0] = z[r][1] = Vec<T>{};
  for (Index k = 0; k < d; ++k) {
    const Vec<T> u0 = Load(Up + k * P + c), u1 = Load(Up + k * P + c + L);
    const T* xk = Xd + k * n + i0;
    for (Index r = 0; r < R; ++r) {
      const T x = xk[r];
      z[r][0] += x * u0;
      z[r][1] += x * u1;
    }
  }
}

template <class T, Index R>
void ForwardRows(const MatrixT<T>& X, const Packed<T>& pk, Index i0, Index j0, Index w, T* fb,
                 std::uint8_t* mask, MatrixT<T>* H) {
  constexpr Index L = Simd<T>::L;
  const Index n = X.rows(), d = X.cols(), P = pk.P;
  Vec<T> f[R];
  for (Index r = 0; r < R; ++r) f[r] = Vec<T>{};
  for (Index c = 0; c < P; c += 2 * L) {
    Vec<T> z[R][2];
    Z<T, R>(X.data(), n, d, pk.Up.data(), P, i0, c, z);
    const Vec<T> w0 = Load(pk.wv.data() + c), w1 = Load(pk.wv.data() + c + L);
    for (Index r = 0; r < R; ++r) {
      const Vec<T> h0 = Relu<T>(z[r][0]), h1 = Relu<T>(z[r][1]);
      f[r] += h0 * w0;
      f[r] += h1 * w1;
      const Bits<T> b0 = PositiveBits<T>(z[r][0]), b1 = PositiveBits<T>(z[r][1]);
      std::memcpy(MaskAt<T>(mask, i0 + r, c), &b0, sizeof b0);
      std::memcpy(MaskAt<T>(mask, i0 + r, c + L), &b1, sizeof b1);
      if (H) {
        for (Index l = 0; l < L && c + l < w; ++l) (*H)(i0 + r, j0 + c + l) = h0[l];
        for (Index l = 0; l < L && c + L + l < w; ++l) (*H)(i0 + r, j0 + c + L + l) = h1[l];
      }
    }
  }
  for (Index r = 0; r < R; ++r) fb[i0 + r] = Sum<T>(f[r]);
}

// Phase A of the backward pass: G rows i0 … i0 + R − 1, g_ij = df_i 1[z_ij > 0] from the
// forward pass's mask (s w_j is applied to the block's result in phase B).
template <class T>
void MaskRows(Packed<T>& pk, const std::uint8_t* mask, const T* df, Index i0, Index rows) {
  constexpr Index L = Simd<T>::L;
  const Index P = pk.P;
  for (Index i = i0; i < i0 + rows; ++i) {
    const Vec<T> g = Vec<T>{} + df[i];
    for (Index c = 0; c < P; c += L)
      Store(pk.G.data() + i * P + c, SelectBits<T>(MaskAt<T>(mask, i, c), g));
  }
}

// Phase B: v_jk = Σ_i g_ij x_ik for the block's units c … c + 2L − 1 and columns k0 …
// k0 + K − 1; then dU(j, k) = s w_j v_jk and dw[j] += u_jk v_jk (in k order).
template <class T, Index K>
void GradientColumns(const MatrixT<T>& X, const Packed<T>& pk, const Vec<T>* sw, Index c, Index k0,
                     Index j0, Index w, MatrixT<T>& dU, Vec<T>* dw) {
  constexpr Index L = Simd<T>::L;
  const Index n = X.rows(), P = pk.P;
  Vec<T> acc[K][2];
  for (Index kk = 0; kk < K; ++kk) acc[kk][0] = acc[kk][1] = Vec<T>{};
  const T* Xd = X.data();
  for (Index i = 0; i < n; ++i) {
    const Vec<T> g0 = Load(pk.G.data() + i * P + c), g1 = Load(pk.G.data() + i * P + c + L);
    for (Index kk = 0; kk < K; ++kk) {
      const T x = Xd[(k0 + kk) * n + i];
      acc[kk][0] += x * g0;
      acc[kk][1] += x * g1;
    }
  }
  for (Index kk = 0; kk < K; ++kk) {
    T* col = dU.data() + (k0 + kk) * dU.rows() + j0;  // dU(j0 + j, k0 + kk)
    for (Index h = 0; h < 2; ++h) {
      const Index v = c / L + h;
      dw[v] += Load(pk.Up.data() + (k0 + kk) * pk.P + c + h * L) * acc[kk][h];
      const Vec<T> g = acc[kk][h] * sw[v];
      for (Index l = 0; l < L && c + h * L + l < w; ++l) col[c + h * L + l] = g[l];
    }
  }
}

}  // namespace

template <class T>
void TwoLayerForwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, Index j0,
                          Index w, T* fb, std::uint8_t* mask, MatrixT<T>* H) {
  Packed<T>& pk = LocalPacked<T>();
  pk.Pack(U, w2, j0, w);
  const Index n = X.rows();
  Index i = 0;
  for (; i + kRows <= n; i += kRows) ForwardRows<T, kRows>(X, pk, i, j0, w, fb, mask, H);
  for (; i < n; ++i) ForwardRows<T, 1>(X, pk, i, j0, w, fb, mask, H);
}

template <class T>
void TwoLayerBackwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, T s,
                           const T* df, const std::uint8_t* mask, Index j0, Index w, MatrixT<T>& dU,
                           MatrixT<T>* dw2) {
  constexpr Index L = Simd<T>::L;
  const FlushSubnormals flush;
  Packed<T>& pk = LocalPacked<T>();
  pk.Pack(U, w2, j0, w);
  const Index n = X.rows(), d = X.cols(), P = pk.P;
  pk.G.resize(static_cast<std::size_t>(n * P));
  constexpr Index kMaxVecs = (kUnitBlock + 2 * L - 1) / (2 * L) * 2;
  Vec<T> sw[kMaxVecs], dw[kMaxVecs];
  for (Index v = 0; v < P / L; ++v) {
    sw[v] = Load(pk.wv.data() + v * L) * s;
    dw[v] = Vec<T>{};
  }
  MaskRows<T>(pk, mask, df, 0, n);
  for (Index c = 0; c < P; c += 2 * L) {
    Index k = 0;
    for (; k + 8 <= d; k += 8) GradientColumns<T, 8>(X, pk, sw, c, k, j0, w, dU, dw);
    for (; k + 4 <= d; k += 4) GradientColumns<T, 4>(X, pk, sw, c, k, j0, w, dU, dw);
    for (; k < d; ++k) GradientColumns<T, 1>(X, pk, sw, c, k, j0, w, dU, dw);
  }
  if (dw2)
    for (Index j = 0; j < w; ++j) (*dw2)(0, j0 + j) = s * dw[j / L][j % L];
}

template void TwoLayerForwardBlock<double>(const Matrix&, const Matrix&, const Matrix&, Index, Index,
                                           double*, std::uint8_t*, Matrix*);
template void TwoLayerForwardBlock<float>(const MatrixF&, const MatrixF&, const MatrixF&, Index,
                                          Index, float*, std::uint8_t*, MatrixF*);
template void TwoLayerBackwardBlock<double>(const Matrix&, const Matrix&, const Matrix&, double,
                                            const double*, const std::uint8_t*, Index, Index,
                                            Matrix&, Matrix*);
template void TwoLayerBackwardBlock<float>(const MatrixF&, const MatrixF&, const MatrixF&, float,
                                           const float*, const std::uint8_t*, Index, Index,
                                           MatrixF&, MatrixF*);

}  // namespace marginlab::nn
