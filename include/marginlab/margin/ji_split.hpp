// Ji §4.2: split a (possibly non-separable) linear problem into its
// separable part S_sep and its strongly convex part S_sc.
//
// Problem:  i ∈ S_sep iff some u has y_i⟨u, x_i⟩ > 0 and y_j⟨u, x_j⟩ ≥ 0 ∀j;
//           S_sc is the rest, H = span{x_i : i ∈ S_sc}. S_sep is separable on
//           H^⊥ and R_sc(w) = (1/n) Σ_{S_sc} log(1 + e^{−y_i⟨w, x_i⟩}) is
//           strongly convex on H with a unique minimizer v̄ ∈ H.
// Method:   the LP  max Σ_i s_i  s.t.  y_i⟨u, x_i⟩ ≥ s_i, 0 ≤ s ≤ 1, u free
//           (its optimum has s_i = 1 exactly on S_sep: the cone
//           {u : Zu ≥ 0} contains one u positive on all of S_sep at once);
//           then an orthonormal basis of H (SVD), v̄ by Newton's method on H,
//           and the max-margin direction of S_sep projected onto H^⊥
//           (linear_svm.hpp), which GD converges to in direction (Ji §4.2).
#pragma once

#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/margin/lp.hpp"

namespace marginlab::margin {

struct JiSplit {
  std::vector<Index> sep, sc;  // indices of S_sep and S_sc
  Matrix H;                    // d × r, orthonormal basis of H (r = dim H)
  Vector vbar;                 // d, the minimizer of R_sc on H (zero if S_sc is empty)
  double risk_sc = 0;          // R_sc(v̄)
  double sep_margin = 0;       // max margin of S_sep on H^⊥ (0 if S_sep is empty)
  Vector sep_direction;        // d, unit, in H^⊥ (zero if S_sep is empty)
};

JiSplit SplitSeparable(const Matrix& X, const Vector& y, LpBackend& lp);

}  // namespace marginlab::margin
