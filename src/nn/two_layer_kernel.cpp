// Fused two-layer block kernels (see the header for the design and why they are hand-written).
#include "marginlab/nn/two_layer_kernel.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "marginlab/nn/mlp.hpp"

namespace marginlab::nn::detail {
namespace {

template <class T>
struct Simd;
template <>
struct Simd<double> {
  typedef double V __attribute__((vector_size(64)));
  static constexpr Index L = 8;
};
template <>
struct Simd<float> {
  typedef float V __attribute__((vector_size(64)));
  static constexpr Index L = 16;
};

template <class T>
using Vec = typename Simd<T>::V;

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

template <class T>
Packed<T>& LocalPacked() {
  thread_local Packed<T> p;
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
                 MatrixT<T>* H) {
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
      if (H) {
        for (Index l = 0; l < L && c + l < w; ++l) (*H)(i0 + r, j0 + c + l) = h0[l];
        for (Index l = 0; l < L && c + L + l < w; ++l) (*H)(i0 + r, j0 + c + L + l) = h1[l];
      }
    }
  }
  for (Index r = 0; r < R; ++r) fb[i0 + r] = Sum<T>(f[r]);
}

// Phase A of the backward pass: G rows i0 … i0 + R − 1 and the dW_2 accumulators.
template <class T, Index R>
void MaskRows(const MatrixT<T>& X, Packed<T>& pk, const Vec<T>* sw, const T* df, Index i0,
              Vec<T>* dw) {
  constexpr Index L = Simd<T>::L;
  const Index n = X.rows(), d = X.cols(), P = pk.P;
  for (Index c = 0; c < P; c += 2 * L) {
    Vec<T> z[R][2];
    Z<T, R>(X.data(), n, d, pk.Up.data(), P, i0, c, z);
    const Vec<T> zero{};
    for (Index r = 0; r < R; ++r) {
      const T g = df[i0 + r];
      for (Index h = 0; h < 2; ++h) {
        const Vec<T> zz = z[r][h];
        dw[c / L + h] += Relu<T>(zz) * g;
        const Vec<T> gv = sw[c / L + h] * g;
        Store(pk.G.data() + (i0 + r) * P + c + h * L, zz > zero ? gv : zero);
      }
    }
  }
}

// Phase B: dU rows of the block, columns k0 … k0 + K − 1, unit vectors c, c + L.
template <class T, Index K>
void GradientColumns(const MatrixT<T>& X, const Packed<T>& pk, Index c, Index k0, Index j0, Index w,
                     MatrixT<T>& dU) {
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
    for (Index h = 0; h < 2; ++h)
      for (Index l = 0; l < L && c + h * L + l < w; ++l) col[c + h * L + l] = acc[kk][h][l];
  }
}

}  // namespace

template <class T>
void TwoLayerForwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, Index j0,
                          Index w, T* fb, MatrixT<T>* H) {
  Packed<T>& pk = LocalPacked<T>();
  pk.Pack(U, w2, j0, w);
  const Index n = X.rows();
  Index i = 0;
  for (; i + kRows <= n; i += kRows) ForwardRows<T, kRows>(X, pk, i, j0, w, fb, H);
  for (; i < n; ++i) ForwardRows<T, 1>(X, pk, i, j0, w, fb, H);
}

template <class T>
void TwoLayerBackwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, T s,
                           const T* df, Index j0, Index w, MatrixT<T>& dU, MatrixT<T>* dw2) {
  constexpr Index L = Simd<T>::L;
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
  Index i = 0;
  for (; i + kRows <= n; i += kRows) MaskRows<T, kRows>(X, pk, sw, df, i, dw);
  for (; i < n; ++i) MaskRows<T, 1>(X, pk, sw, df, i, dw);
  if (dw2)
    for (Index j = 0; j < w; ++j) (*dw2)(0, j0 + j) = s * dw[j / L][j % L];
  for (Index c = 0; c < P; c += 2 * L) {
    Index k = 0;
    for (; k + 8 <= d; k += 8) GradientColumns<T, 8>(X, pk, c, k, j0, w, dU);
    for (; k + 4 <= d; k += 4) GradientColumns<T, 4>(X, pk, c, k, j0, w, dU);
    for (; k < d; ++k) GradientColumns<T, 1>(X, pk, c, k, j0, w, dU);
  }
}

template void TwoLayerForwardBlock<double>(const Matrix&, const Matrix&, const Matrix&, Index, Index,
                                           double*, Matrix*);
template void TwoLayerForwardBlock<float>(const MatrixF&, const MatrixF&, const MatrixF&, Index,
                                          Index, float*, MatrixF*);
template void TwoLayerBackwardBlock<double>(const Matrix&, const Matrix&, const Matrix&, double,
                                            const double*, Index, Index, Matrix&, Matrix*);
template void TwoLayerBackwardBlock<float>(const MatrixF&, const MatrixF&, const MatrixF&, float,
                                           const float*, Index, Index, MatrixF&, MatrixF*);

}  // namespace marginlab::nn::detail
