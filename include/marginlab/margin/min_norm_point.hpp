// The minimum-norm point of a polytope given by its vertices (Wolfe 1976).
//
// Problem:   min_{q ∈ Δ_k} ‖Pᵀq‖₂,   P (k×d), one point p_i per row,
//            Δ_k = {q ≥ 0, Σ q_i = 1}.
// Output:    q (k, on the simplex, sparse: its support is affinely
//            independent), x = Pᵀq (d), and the optimality certificate
//            gap = ‖x‖² − min_i p_i·x ≥ 0 (x is optimal iff gap = 0: then
//            the hyperplane {z : z·x = ‖x‖²} supports the polytope).
// Algorithm: Wolfe's finite method: major steps add the vertex minimizing
//            p·x; minor steps move to the affine minimizer of the corrals,
//            solved by least squares on the differences p_i − p_s (QR), which
//            keeps full double precision on ill-conditioned sets.
// Used for the hard-margin linear SVM through the origin (linear_svm.hpp):
// with p_i = y_i x_i, γ = ‖x‖ and w = x/‖x‖ (Ji §4.2, Wei et al. §4).
#pragma once

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"

namespace marginlab::margin {

struct MinNormPointOptions {
  double tolerance = 1e-14;  // relative to max_i ‖p_i‖²: stop when gap ≤ tol·max‖p‖²
  long max_iterations = 100000;
  template <class V>
  void Fields(V& v) {
    v("tolerance", tolerance, "stop when ‖x‖² − min_i p_i·x ≤ tolerance · max_i ‖p_i‖²");
    v("max_iterations", max_iterations, "major + minor steps");
  }
  std::string Validate() const;
};

struct MinNormPointResult : SummaryBase {
  Vector q;   // k, on the simplex
  Vector x;   // d, Pᵀq
  double gap = 0;  // ‖x‖² − min_i p_i·x (≥ 0 up to rounding; 0 at the optimum)
  long iterations = 0;
};

MinNormPointResult MinNormPoint(const Matrix& P, const MinNormPointOptions& opts = {});

}  // namespace marginlab::margin
