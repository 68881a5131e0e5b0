// The restricted problem of the global-optimum column generation
// (global_optimum.hpp): over fixed unit directions ū_1…ū_K (features
// Φ_ij = relu(ū_j·x_i)),
//     min_a  R(Φa) + μ‖a‖₁,   R(f) = (1/n) Σ_i ℓ(f_i, y_i)   (objective.hpp),
// the Lasso form of P(c) restricted to measures on those directions.
// Method: an active set — the columns with a ≠ 0 or |∇_j R| > μ (the KKT
// violators) — on which cyclic coordinate descent runs (1-D prox-Newton steps,
// the global curvature bound as the fallback) alternating with Newton's method
// on the support (signs fixed, a ratio test drops coefficients that reach 0,
// a reduction to linearly independent features); then the full gradient is
// checked and the violators join, until none is left. Optimality conditions:
// |∇_j R| ≤ μ where a_j = 0, ∇_j R = −μ sign(a_j) elsewhere, to ~1e-13.
#pragma once

#include "marginlab/core/types.hpp"
#include "marginlab/margin/objective.hpp"

namespace marginlab::margin::detail {

// KKT slack shared by the fit and the pricing that feeds it: a column is a
// violator (and prices out) when |∇_j R| > μ + KktSlack(μ); the fit stops when
// every violation is below a tenth of it. One constant in both places, or a
// column priced out by less than the fit notices would return forever.
inline double KktSlack(double mu) { return 1e-11 * mu; }

// a (K): the start, overwritten with the solution; f (n) = Φa on return.
// `sweeps` bounds the coordinate-descent sweeps of each active-set pass, `passes`
// the passes (a rough fit, e.g. a starting point, takes few).
void FitRestricted(const MarginLoss& loss, const Matrix& Phi, const Vector& y, double mu,
                   long sweeps, Vector* a, Vector* f, int passes = 100);

}  // namespace marginlab::margin::detail
