// Hard-margin linear SVM through the origin (the linear max margin).
//
// Problem:  γ = max_{‖w‖₂ ≤ 1} min_i y_i ⟨w, x_i⟩           (Ji §4.2, eq. for û)
//           equivalently  min ½‖v‖²  s.t.  y_i ⟨v, x_i⟩ ≥ 1  (v = w/γ),
// whose dual on the simplex is the minimum-norm point of conv{y_i x_i}:
//           γ = min_{q ∈ Δ_n} ‖Σ_i q_i y_i x_i‖  when the data are separable.
// Inputs:   X (n×d), labels y ∈ {±1}ⁿ. A bias is obtained, as everywhere in
//           marginlab, by appending a constant coordinate (it is then
//           regularized like the other weights).
// Outputs:  γ, the unit direction w, the dual q ∈ Δ_n (q_i > 0 only on support
//           vectors), the LIBSVM-scaled duals α = q/γ² (so v = Σ α_i y_i x_i,
//           ‖v‖ = 1/γ), the support vectors, and the KKT residual
//           ‖x‖² − min_i y_i x_i·x (0 at the exact optimum: a certificate).
// If 0 ∈ conv{y_i x_i} the data are not separable through the origin: then
// separable = false and γ ≤ 0 (margin is reported as 0, an upper bound);
// ji_split.hpp splits such a set into its separable and strongly convex parts.
#pragma once

#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/margin/min_norm_point.hpp"

namespace marginlab::margin {

struct LinearSvmResult : SummaryBase {
  bool separable = false;
  double margin = 0;          // γ: the primal value min_i y_i⟨w, x_i⟩ of w (a lower bound)
  double margin_upper = 0;    // ‖Σ q_i y_i x_i‖ (the dual value, an upper bound on γ)
  Vector w;                   // d, unit norm (zero when not separable)
  Vector q;                   // n, on the simplex
  Vector alpha;               // n, q/γ² (LIBSVM's scaling; zero when not separable)
  std::vector<Index> support; // indices with q_i > 0
  double kkt_gap = 0;         // ‖x‖² − min_i y_i x_i·x for x = Σ q_i y_i x_i
};

// Throws InputError if shapes disagree or a label is not ±1.
LinearSvmResult LinearMaxMargin(const Matrix& X, const Vector& y,
                                const MinNormPointOptions& opts = {});

// Z = diag(y) X (n×d), checking that y is ±1 and sizes agree.
Matrix SignedRows(const Matrix& X, const Vector& y, const char* what);

}  // namespace marginlab::margin
