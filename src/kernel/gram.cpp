// Tiled Gram matrices (gram.hpp): GEMM per tile, then a fused vectorized elementwise pass.
#include "marginlab/kernel/gram.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/parallel_tasks.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/kernel/closed_form.hpp"
#include "marginlab/kernel/vec_math.hpp"
#include "kernel/prefault.hpp"
#include "kernel/tile_store.hpp"

#if MARGINLAB_HAVE_OPENBLAS
#include <cblas.h>
#endif

#if defined(__AVX512F__)
#include <immintrin.h>

#include "kernel/fast_angle.hpp"
#define ML_GRAM_FUSED 1
#else
#define ML_GRAM_FUSED 0
#endif

namespace marginlab::kernel {
namespace {
constexpr double kPi = 3.14159265358979323846;
// s² ≤ kFixup·‖x‖²‖x′‖² (sin²θ ≤ 1e-4) → recompute s by Kahan's formula.
constexpr double kFixup = 1e-4;

// out (r×c, ld) = A[i0:i0+r] B[j0:j0+c]ᵀ.
void TileGemm(const ConstMatrixRef& A, Index i0, Index r, const ConstMatrixRef& B, Index j0, Index c, double* out,
              Index ld) {
  const Index d = A.cols();
#if MARGINLAB_HAVE_OPENBLAS
  if (d == 0) {
    for (Index j = 0; j < c; ++j) std::fill(out + j * ld, out + j * ld + r, 0.0);
    return;
  }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, static_cast<int>(r), static_cast<int>(c),
              static_cast<int>(d), 1.0, A.data() + i0, static_cast<int>(A.outerStride()), B.data() + j0,
              static_cast<int>(B.outerStride()), 0.0, out, static_cast<int>(ld));
#else
  Eigen::Map<Matrix, 0, Eigen::OuterStride<>> o(out, r, c, Eigen::OuterStride<>(ld));
  o.noalias() = A.middleRows(i0, r) * B.middleRows(j0, c).transpose();
#endif
}

// ‖x‖‖y‖ sin θ by Kahan's formula, rows i of A and j of B.
double KahanS(const ConstMatrixRef& A, Index i, double na, const ConstMatrixRef& B, Index j, double nb) {
  const double a = std::sqrt(na), b = std::sqrt(nb);
  if (a == 0 || b == 0) return 0.0;
  double dm = 0, dp = 0;
  for (Index k = 0; k < A.cols(); ++k) {
    const double u = A(i, k) / a, v = B(j, k) / b;
    dm += (u - v) * (u - v);
    dp += (u + v) * (u + v);
  }
  return a * b * std::sin(2.0 * std::atan2(std::sqrt(dm), std::sqrt(dp)));
}
}  // namespace

struct GramComputer::Workspace {
  std::vector<double> s2, s, th, D, E, ntk, sd, tmp;
  std::vector<double> q11, r1;  // per layer × rows
};

GramComputer::GramComputer(const KernelOptions& opts, ConstMatrixRef A, ConstMatrixRef B)
    : opts_(opts), type_(opts.type()), A_(A), B_(B) {
  ML_CHECK(A.cols() == B.cols()) << "GramComputer: A has " << A.cols() << " columns, B " << B.cols();
  nA_ = A.rowwise().squaredNorm();
  nB_ = (A.data() == B.data() && A.rows() == B.rows() && A.cols() == B.cols()) ? nA_ : Vector(B.rowwise().squaredNorm());
}
GramComputer::~GramComputer() = default;

GramComputer::Workspace* GramComputer::NewWorkspace() const {
  auto* ws = new Workspace;
  const std::size_t t = kGramTile;
  for (auto* v : {&ws->s2, &ws->s, &ws->th, &ws->D, &ws->E, &ws->ntk, &ws->sd, &ws->tmp}) v->resize(t);
  return ws;
}
void GramComputer::DeleteWorkspace(Workspace* ws) { delete ws; }

// The block is written where `out` points (GEMM with leading dimension ld, then the transform
// column by column while it is still in cache). Gram and CrossGram point it at a per-worker scratch
// tile and copy the result out with non-temporal stores (tile_store.hpp); the first scratch version
// copied with normal stores and was 5–10% slower than writing in place, the non-temporal copy is
// 5–15% faster at n = 10,000 and level at n = 2000.
void GramComputer::Block(Index i0, Index r, Index j0, Index c, double* out, Index ld,
                         Workspace& ws) const {
  ML_CHECK(r <= kGramTile && c <= kGramTile && ld >= r) << "Block " << r << "x" << c << " > tile";
  TileGemm(A_, i0, r, B_, j0, c, out, ld);
  const Index d = A_.cols();
  const double* n1 = nA_.data() + i0;
  double* s2 = ws.s2.data();
  double* s = ws.s.data();
  double* th = ws.th.data();
  const bool deep = type_ == KernelType::kDeepNtk || type_ == KernelType::kDeepNngp;
  const DotKernelCoeffs cf = deep ? DotKernelCoeffs{} : TwoLayerCoeffs(opts_);
  // Deep kernels: the diagonal recursion per row (q11 before each Relu, and its sqrt).
  const Index L = opts_.depth;
  const double w2 = opts_.w_std * opts_.w_std, b2 = opts_.b_std * opts_.b_std;
  const bool standard = opts_.standard_parameterization();
  if (deep) {
    ws.q11.assign(static_cast<std::size_t>(L * r), 0.0);
    ws.r1.assign(static_cast<std::size_t>(L * r), 0.0);
    for (Index i = 0; i < r; ++i) {
      double q = n1[i] / d;
      for (Index l = 0; l < L; ++l) {
        q = w2 * q + b2;  // after Dense l
        ws.q11[l * r + i] = q;
        ws.r1[l * r + i] = std::sqrt(q);
        q /= 2;
      }
    }
  }
#if ML_GRAM_FUSED
  if (!deep) {
    for (Index j = 0; j < c; ++j) FusedTwoLayerColumn(cf, out + j * ld, n1, r, j0 + j, i0);
    return;
  }
#endif
  for (Index j = 0; j < c; ++j) {
    double* g = out + j * ld;
    const double n2 = nB_[j0 + j];
    // s² = n1 n2 − g², then flag entries near θ = 0 or π.
    bool any = false;
    for (Index i = 0; i < r; ++i) {
      const double p = n1[i] * n2;
      s2[i] = std::fma(-g[i], g[i], p);
      any |= s2[i] <= kFixup * p;
    }
    VecSqrtClamped(s2, s, r);
    if (any)
      for (Index i = 0; i < r; ++i)
        if (s2[i] <= kFixup * n1[i] * n2) s[i] = KahanS(A_, i0 + i, n1[i], B_, j0 + j, n2);
    if (!deep) {
      VecAtan2(s, g, th, r);
      for (Index i = 0; i < r; ++i) {
        const double pm = kPi - th[i];
        g[i] = cf.A * pm * g[i] + cf.B * s[i] + cf.C * pm;
      }
      if (cf.C != 0 && any)  // arccos0 with a zero input: K = 0 by convention
        for (Index i = 0; i < r; ++i)
          if (n1[i] == 0 || n2 == 0) g[i] = 0;
      continue;
    }
    // Deep recursion on the column (the same formulas as DeepKernelPair).
    double* D = ws.D.data();
    double* E = ws.E.data();
    double* ntk = ws.ntk.data();
    double* sd = ws.sd.data();
    double* q12 = g;
    const double b = std::sqrt(n2);
    for (Index i = 0; i < r; ++i) {
      const double a = std::sqrt(n1[i]), ab = a * b, gi = g[i];
      D[i] = (s[i] / d) * (s[i] / d);
      E[i] = ((a - b) * (a - b) + (gi > 0 ? 2 * s[i] * s[i] / (ab + gi) : 2 * (ab - gi))) / d;
      q12[i] = gi / d;
      ntk[i] = 0;
    }
    double q22 = n2 / d;
    for (Index l = 0; l < L; ++l) {
      const double fan_in = l == 0 ? static_cast<double>(d) : static_cast<double>(opts_.width);
      const double bias_one = opts_.b_std > 0 ? 1.0 : 0.0;
      for (Index i = 0; i < r; ++i) {
        if (standard) ntk[i] = fan_in * q12[i] + bias_one + w2 * ntk[i];
        q12[i] = w2 * q12[i] + b2;
        D[i] = w2 * w2 * D[i] + w2 * b2 * E[i];
        E[i] = w2 * E[i];
        if (!standard) ntk[i] = q12[i] + w2 * ntk[i];
      }
      q22 = w2 * q22 + b2;
      if (l + 1 == L) break;
      const double r2 = std::sqrt(q22);
      const double* r1 = ws.r1.data() + l * r;
      VecSqrtClamped(D, sd, r);
      VecAtan2(sd, q12, th, r);
      for (Index i = 0; i < r; ++i) {
        const double rr = r1[i] * r2;
        const double sin_t = rr > 0 ? sd[i] / rr : 0.0, cos_t = rr > 0 ? q12[i] / rr : 1.0;
        const double pmj = PiMinusJ(sin_t, cos_t, th[i]);
        const double J = kPi - pmj;
        D[i] = rr * rr * pmj * (kPi + J) / (4 * kPi * kPi);
        E[i] = (r1[i] - r2) * (r1[i] - r2) / 2 + rr * pmj / kPi;
        ntk[i] = ntk[i] * (kPi - th[i]) / (2 * kPi);
        q12[i] = rr * J / (2 * kPi);
      }
      q22 /= 2;
    }
    if (type_ == KernelType::kDeepNtk)
      for (Index i = 0; i < r; ++i) g[i] = ntk[i];
  }
}


#if ML_GRAM_FUSED
// The two-layer family on one tile column in a single AVX-512 pass, 8 entries at a time:
// p = n1·n2, s² = p − g² (FMA), then s and π − θ by SqrtAndPiMinusAngle (fast_angle.hpp, ≤ 3 ulp),
// K = (A g + C)(π − θ) + B s. Entries with s² ≤ kFixup·p are redone in scalar code with Kahan's s.
void GramComputer::FusedTwoLayerColumn(const DotKernelCoeffs& cf, double* g, const double* n1, Index r,
                                       Index jb, Index i0) const {
  const double n2 = nB_[jb];
  const __m512d vn2 = _mm512_set1_pd(n2), vfix = _mm512_set1_pd(kFixup);
  const __m512d vA = _mm512_set1_pd(cf.A), vB = _mm512_set1_pd(cf.B), vC = _mm512_set1_pd(cf.C);
  Index flagged[kGramTile];
  double flagged_g[kGramTile];
  int nf = 0;
  for (Index i = 0; i < r; i += 8) {
    const __mmask8 lanes = r - i >= 8 ? __mmask8(0xFF) : __mmask8((1u << (r - i)) - 1);
    const __m512d vg = _mm512_maskz_loadu_pd(lanes, g + i);
    const __m512d p = _mm512_mul_pd(_mm512_maskz_loadu_pd(lanes, n1 + i), vn2);
    const __m512d s2 = _mm512_fnmadd_pd(vg, vg, p);
    const __mmask8 fix = _mm512_mask_cmp_pd_mask(lanes, s2, _mm512_mul_pd(vfix, p), _CMP_LE_OQ);
    __m512d vs, pm;
    SqrtAndPiMinusAngle(s2, vg, vs, pm);
    const __m512d k = _mm512_fmadd_pd(_mm512_fmadd_pd(vA, vg, vC), pm, _mm512_mul_pd(vB, vs));
    if (fix) {
      for (int b = 0; b < 8; ++b)
        if (fix & (1u << b)) {
          flagged[nf] = i + b;
          flagged_g[nf++] = g[i + b];
        }
    }
    _mm512_mask_storeu_pd(g + i, lanes, k);
  }
  for (int f = 0; f < nf; ++f) {
    const Index i = flagged[f];
    if (n1[i] == 0 || n2 == 0) {
      g[i] = 0;  // a zero input: K = 0 for every member of the family
      continue;
    }
    const double gi = flagged_g[f], si = KahanS(A_, i0 + i, n1[i], B_, jb, n2);
    g[i] = TwoLayerFromAngle(cf, gi, si, std::atan2(si, gi));
  }
}
#endif

namespace {
struct WorkspacePool {
  const GramComputer& gc;
  std::vector<GramComputer::Workspace*> ws;
  std::vector<std::vector<double>> tiles;
  explicit WorkspacePool(const GramComputer& g) : gc(g) {
    for (int w = 0; w < NumThreads(); ++w) {
      ws.push_back(gc.NewWorkspace());
      tiles.emplace_back(static_cast<std::size_t>(kGramTile * kGramTile));
    }
  }
  ~WorkspacePool() {
    for (auto* w : ws) GramComputer::DeleteWorkspace(w);
  }
};
Index NumTiles(Index n) { return (n + kGramTile - 1) / kGramTile; }
}  // namespace

namespace {
// The kernel values of finite inputs are finite unless a scale or a norm overflows (rw = 1e308,
// inputs near 1e154): such a matrix is refused, not handed to a solver or a user.
void RequireFiniteKernel(const Matrix& K, const KernelOptions& opts) {
  for (Index j = 0; j < K.cols(); ++j)
    for (Index i = 0; i < K.rows(); ++i)
      if (!std::isfinite(K(i, j)))
        throw InputError("the " + opts.Describe() + " kernel matrix has a non-finite entry K[" + std::to_string(i) +
                         ", " + std::to_string(j) + "] = " + FormatDouble(K(i, j)) +
                         ": the kernel's scales or the inputs' norms overflow double");
}
}  // namespace

Matrix Gram(const KernelOptions& opts, ConstMatrixRef X) {
  const Index n = X.rows(), T = NumTiles(n);
  RequireMemory(ArrayBytes({n, n}, sizeof(double)),
                "the " + std::to_string(n) + "×" + std::to_string(n) + " Gram matrix");
  Matrix K(n, n);
  PrefaultForWrite(K.data(), sizeof(double) * static_cast<std::size_t>(K.size()));  // prefault.hpp
  GramComputer gc(opts, X, X);
  WorkspacePool pool(gc);
  std::vector<std::pair<Index, Index>> pairs;
  for (Index I = 0; I < T; ++I)
    for (Index J = I; J < T; ++J) pairs.emplace_back(I, J);
  ParallelTasks(static_cast<Index>(pairs.size()), [&](Index t, int w) {
    const auto [I, J] = pairs[t];
    const Index i0 = I * kGramTile, j0 = J * kGramTile;
    const Index r = std::min(kGramTile, n - i0), c = std::min(kGramTile, n - j0);
    if (I == J) {  // in place; exact symmetry inside a diagonal tile: mirror the upper triangle
      gc.Block(i0, r, j0, c, K.data() + j0 * n + i0, n, *pool.ws[w]);
      for (Index j = 0; j < c; ++j)
        for (Index i = j + 1; i < r; ++i) K(i0 + i, j0 + j) = K(i0 + j, j0 + i);
    } else {  // into a scratch tile that stays in cache, then both copies with non-temporal stores
      // (tile_store.hpp): the result's lines are written once and never read, where computing in
      // place first reads each line of the upper tile from memory (n = 10,000: Gram 5–10% faster,
      // CrossGram 7–15%; unchanged at n = 2000)
      double* t = pool.tiles[w].data();
      gc.Block(i0, r, j0, c, t, r, *pool.ws[w]);
      StoreTile(t, r, r, c, K.data() + j0 * n + i0, n);
      StoreTileTransposed(t, r, r, c, K.data() + i0 * n + j0, n);
    }
  });
  RequireFiniteKernel(K, opts);
  return K;
}

Matrix CrossGram(const KernelOptions& opts, ConstMatrixRef A, ConstMatrixRef B) {
  const Index na = A.rows(), nb = B.rows();
  RequireMemory(ArrayBytes({na, nb}, sizeof(double)),
                "the " + std::to_string(na) + "×" + std::to_string(nb) + " cross-Gram matrix");
  Matrix K(na, nb);
  PrefaultForWrite(K.data(), sizeof(double) * static_cast<std::size_t>(K.size()));  // prefault.hpp
  GramComputer gc(opts, A, B);
  WorkspacePool pool(gc);
  const Index TA = NumTiles(na), TB = NumTiles(nb);
  ParallelTasks(TA * TB, [&](Index t, int w) {
    const Index I = t / TB, J = t % TB, i0 = I * kGramTile, j0 = J * kGramTile;
    const Index r = std::min(kGramTile, na - i0), c = std::min(kGramTile, nb - j0);
    double* tile = pool.tiles[w].data();  // scratch, then non-temporal stores: as in Gram
    gc.Block(i0, r, j0, c, tile, r, *pool.ws[w]);
    StoreTile(tile, r, r, c, K.data() + j0 * na + i0, na);
  });
  RequireFiniteKernel(K, opts);
  return K;
}

const char* GramVectorPath(const KernelOptions& opts) {
  const KernelType t = opts.type();
  if (ML_GRAM_FUSED && t != KernelType::kDeepNtk && t != KernelType::kDeepNngp) return "fused-avx512";
  return VecMathPath();
}

Matrix GramReference(const KernelOptions& opts, const Matrix& A, const Matrix& B) {
  Matrix K(A.rows(), B.rows());
  for (Index j = 0; j < B.rows(); ++j) {
    const Vector y = B.row(j).transpose();
    for (Index i = 0; i < A.rows(); ++i) K(i, j) = KernelReference(opts, A.row(i).transpose(), y);
  }
  return K;
}

Matrix KernelTimes(const KernelOptions& opts, const Matrix& A, const Matrix& B, const Matrix& C) {
  ML_CHECK(C.rows() == B.rows()) << "KernelTimes: C has " << C.rows() << " rows, B " << B.rows();
  const Index na = A.rows(), nb = B.rows(), k = C.cols();
  Matrix F = Matrix::Zero(na, k);
  GramComputer gc(opts, A, B);
  WorkspacePool pool(gc);
  ParallelTasks(NumTiles(na), [&](Index I, int w) {
    const Index i0 = I * kGramTile, r = std::min(kGramTile, na - i0);
    Eigen::Map<Matrix> tile(pool.tiles[w].data(), r, kGramTile);
    for (Index j0 = 0; j0 < nb; j0 += kGramTile) {
      const Index c = std::min(kGramTile, nb - j0);
      gc.Block(i0, r, j0, c, tile.data(), r, *pool.ws[w]);
      F.middleRows(i0, r).noalias() += tile.leftCols(c) * C.middleRows(j0, c);
    }
  });
  return F;
}

Matrix SymmetricKernelTimes(const KernelOptions& opts, const Matrix& X, const Matrix& C) {
  ML_CHECK(C.rows() == X.rows()) << "SymmetricKernelTimes: C has " << C.rows() << " rows, X " << X.rows();
  const Index n = X.rows(), k = C.cols(), T = NumTiles(n);
  GramComputer gc(opts, X, X);
  WorkspacePool pool(gc);
  // Panel I computes tiles (I, J ≥ I): its own rows F_I (direct part) and the transposed
  // contributions to rows after it, kept per panel and summed in panel order afterwards.
  std::vector<Matrix> direct(static_cast<std::size_t>(T)), transposed(static_cast<std::size_t>(T));
  ParallelTasks(T, [&](Index I, int w) {
    const Index i0 = I * kGramTile, r = std::min(kGramTile, n - i0);
    Eigen::Map<Matrix> tile(pool.tiles[w].data(), r, kGramTile);
    Matrix& FI = direct[I];
    Matrix& FT = transposed[I];
    FI = Matrix::Zero(r, k);
    FT = Matrix::Zero(n - i0 - r, k);
    for (Index j0 = i0; j0 < n; j0 += kGramTile) {
      const Index c = std::min(kGramTile, n - j0);
      gc.Block(i0, r, j0, c, tile.data(), r, *pool.ws[w]);
      if (j0 == i0) {  // symmetric diagonal tile: mirror
        for (Index j = 0; j < c; ++j)
          for (Index i = j + 1; i < r; ++i) tile(i, j) = tile(j, i);
        FI.noalias() += tile.leftCols(c) * C.middleRows(j0, c);
      } else {
        FI.noalias() += tile.leftCols(c) * C.middleRows(j0, c);
        FT.middleRows(j0 - i0 - r, c).noalias() += tile.leftCols(c).transpose() * C.middleRows(i0, r);
      }
    }
  });
  Matrix F(n, k);
  for (Index I = 0; I < T; ++I) {
    const Index i0 = I * kGramTile, r = std::min(kGramTile, n - i0);
    F.middleRows(i0, r) = direct[I];
    for (Index P = 0; P < I; ++P) {
      const Index p0 = P * kGramTile, pr = std::min(kGramTile, n - p0);
      F.middleRows(i0, r) += transposed[P].middleRows(i0 - p0 - pr, r);
    }
  }
  return F;
}

}  // namespace marginlab::kernel
