// Gram matrices in tiles: ⟨x_i, x′_j⟩ by a BLAS GEMM per tile, then one fused vectorized
// elementwise pass turning inner products into kernel values: for the two-layer family on
// AVX-512 builds one fused pass with fast_angle.hpp, otherwise vec_math.hpp's loops.
//
// Per entry the pass computes s² = ‖x‖²‖x′‖² − g² (one FMA), s = √s² (= ‖x‖‖x′‖ sin θ) and
// θ = atan2(s, g). Where s² ≤ 1e-4 ‖x‖²‖x′‖² (θ within 0.01 of 0 or π, where s² from a GEMM inner
// product would carry only half the digits) s is recomputed from the vectors by Kahan's formula
// (closed_form.hpp), O(d) for those few entries; identical rows give s = 0 and θ = 0 exactly.
// Accuracy contract (tested): every entry matches KernelReference to 1e-12 relative to the
// entry's scale √(K(x,x) K(x′,x′)), and K(x, x) = (r_u²+r_w²)‖x‖²/2 to 1e-14 relative.
//
// Tiles are kTile×kTile; tiles run in parallel on NumThreads() threads (BLAS is single-threaded
// inside a tile), and every output entry is computed by the same operations whatever the thread
// count, so results are bit-identical for any --threads.
#pragma once


#include "marginlab/core/types.hpp"
#include "marginlab/kernel/closed_form.hpp"
#include "marginlab/kernel/kernel_spec.hpp"

namespace marginlab::kernel {

inline constexpr Index kGramTile = 256;

// Computes blocks K(A[i0:i0+r], B[j0:j0+c]) for fixed A (n_A×d) and B (n_B×d). Not thread-safe
// per object unless each thread passes its own Workspace.
class GramComputer {
 public:
  struct Workspace;
  GramComputer(const KernelOptions& opts, ConstMatrixRef A, ConstMatrixRef B);
  ~GramComputer();
  // out (col-major, leading dimension ld ≥ r) ← the r×c block at (i0, j0).
  void Block(Index i0, Index r, Index j0, Index c, double* out, Index ld, Workspace& ws) const;
  Workspace* NewWorkspace() const;
  static void DeleteWorkspace(Workspace* ws);
  const ConstMatrixRef& A() const { return A_; }
  const ConstMatrixRef& B() const { return B_; }

 private:
  void FusedTwoLayerColumn(const DotKernelCoeffs& cf, double* g, const double* n1, Index r, Index jb,
                           Index i0) const;
  KernelOptions opts_;
  KernelType type_;
  ConstMatrixRef A_;
  ConstMatrixRef B_;
  Vector nA_, nB_;  // squared row norms
};

// K(X, X), n×n, exactly symmetric (the upper triangle is computed and mirrored).
Matrix Gram(const KernelOptions& opts, ConstMatrixRef X);
// K(A, B), n_A×n_B.
Matrix CrossGram(const KernelOptions& opts, ConstMatrixRef A, ConstMatrixRef B);
// Which elementwise path Gram tiles take for these options in this build: "fused-avx512" (the
// two-layer family on AVX-512), else VecMathPath() ("sleef-avx512", "sleef-avx2" or "scalar").
const char* GramVectorPath(const KernelOptions& opts);
// The plain scalar reference: KernelReference entry by entry.
Matrix GramReference(const KernelOptions& opts, const Matrix& A, const Matrix& B);

// F = K(A, B) · C (C: n_B×k), computed tile by tile: K(A, B) is never stored whole.
Matrix KernelTimes(const KernelOptions& opts, const Matrix& A, const Matrix& B, const Matrix& C);
// F = K(X, X) · C using symmetry (each off-diagonal tile is computed once); deterministic.
Matrix SymmetricKernelTimes(const KernelOptions& opts, const Matrix& X, const Matrix& C);


}  // namespace marginlab::kernel
