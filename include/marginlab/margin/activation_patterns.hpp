// Θ_λ by activation patterns: a second, independent route to the global
// minimizer of the l2-regularized two-layer objective (DESIGN §2, "Global
// optimum and certificates"; the convex reformulation of Pilanci & Ergen 2020,
// "Neural networks are convex regularizers", §2–3: the convex program over the
// patterns of the hyperplane arrangement, here with the mean loss of Wei et
// al. eq. 2.2). The first route is certify.hpp's GlobalOptimum (column
// generation over directions); the two must agree.
//
// Problem: over signed measures c on the unit sphere,
//     min_c P(c) = R(Φc) + 2λ‖c‖_TV,  R(a) = (1/n) Σ_i ℓ(a_i, y_i),
//     (Φc)_i = ∫ relu(ū·x_i) dc(ū)          (= inf over networks of width ≥ n+1 of
//                                             mean loss + λ‖Θ‖², objective.hpp).
// Split c by the activation cells of the arrangement {u : u·x_i = 0}: on the
// cone K_D = {v : (2D − I)Xv ≥ 0} of pattern D (diagonal 0/1) relu(Xv) = DXv is
// linear, and the positive / negative mass of c in the cell collapses to
// single atoms v_D, w_D ∈ K_D with ‖v_D‖ ≤ the cell's mass (the norm is convex
// and 1-homogeneous). So min P equals
//     min R( Σ_D D X (v_D − w_D) ) + 2λ Σ_D (‖v_D‖₂ + ‖w_D‖₂)
//     s.t. v_D, w_D ∈ K_D,
// when every pattern of the arrangement is included. With a subset of
// patterns it is a restriction: its value is ≥ min P (every feasible point is a
// network). Network: one neuron per nonzero block, direction v̂_D with mass
// +‖v_D‖ (ŵ_D with −‖w_D‖), built balanced by BalancedNetwork (two_layer.hpp),
// whose L = mean loss + λ‖Θ‖² equals P.
//
// Patterns. X is first reduced to its row space (rank r; X = ZVᵀ with V
// orthonormal d×r), so the cells are those of Z's arrangement in R^r.
//   exhaustive (r ≤ 3, `enumerate` true): r ≤ 1: the (at most 2) half-lines;
//     r = 2: the arcs of the circle between the sorted angles of the 2n
//     boundary points ±x_i^⊥ (2n cells in general position); r = 3: every cell
//     of the great-circle arrangement is a pointed cone, so it has a vertex
//     ±(z_i × z_j); at each vertex the circles through it (|z_k·q| ≤ 1e-12‖z_k‖)
//     split its neighbourhood into sectors, read off as a 2-D arc problem in the
//     tangent plane (n² − n + 2 cells in general position; O(n³) work).
//     Cells thinner than ~1e-12 rad may be merged with a neighbour (an effect
//     of that order on the optimum). The dual value is then a certified lower
//     bound on min P (up to rounding).
//   sampled (r ≥ 4, or `enumerate` false): the patterns 1[Xu > 0] of `samples`
//     directions u uniform on S^{d−1} (Rng(seed).Split(kMonteCarlo)) plus those
//     of the caller's extra directions; `exhaustive` = false, the objective is a
//     network's (an upper bound on min P), the dual value only bounds the
//     restricted problem.
//   Every 0/1 vector gives a valid restriction (on K_D, relu(Xv) = DXv), so
//   duplicate or degenerate patterns never make a result wrong.
//
// Solver (src/margin/activation_patterns_solve.cpp, _polish.cpp). Rounds of
// column generation over the blocks (D, ±), each round:
//   1. price every block at β = ∇R(f): block (D, ±) can stay 0 iff
//      ‖Π_{K_D}(∓XᵀDβ)‖ ≤ 2λ; stop when P − D(sβ) ≤ tolerance·max(1, |P|),
//      D the dual value (objective.hpp), s = min(1, 2λ / max price) — when
//      exhaustive the max price is M(β) (best_neuron.hpp) and D certifies;
//      else the 16 largest violators join the working set, zero blocks that
//      do not violate leave;
//   2. ≤ 100 FISTA steps on the working set (backtracking on R, O'Donoghue–
//      Candès restart); the prox of τ‖v‖ + ι_{K_D} is max(0, 1 − τ/‖Π_K z‖)Π_K z
//      (proof at Working::ProxConeNorm), Π_K by Lawson–Hanson NNLS on the
//      polar cone;
//   3. two Newton polishes, since the gap is first order in the error of f and
//      first-order steps crawl at the end: the masses with directions fixed
//      (a non-negative lasso whose null directions remove an atom's copies in
//      the several cells that share its ray), then the nonzero blocks on their
//      faces (active-set Newton).
// The objective and dual are finally recomputed at the returned network.
// Measured (Release, shared 2-core machine; gaps ≤ 1e-11): line1d:n=32 ≤ 0.2 s
// for λ ∈ [1e-4, 1e-2]; teacher d=3, n=50 (2452 cells) 0.05–1 s; n=200
// (39802 cells) 1.3–6 s at λ ≥ 1e-3.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/margin/objective.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::margin {

struct PatternOptions {
  std::string loss = "logistic";  // logistic | squared (objective.hpp)
  double lambda = 1e-3;           // λ of λ‖Θ‖², mean-loss convention (eq. 2.2)
  long samples = 2000;            // sampled mode: random directions whose patterns are used
  std::uint64_t seed = 0;         // sampled mode: Rng(seed).Split(kMonteCarlo)
  long max_iterations = 200000;   // FISTA iterations, all rounds together
  double tolerance = 1e-10;       // stop when P − D ≤ tolerance · max(1, |P|)
  bool enumerate = true;          // false: sample patterns even when r ≤ 3
  template <class V>
  void Fields(V& v) {
    v("loss", loss, "", MarginLoss::Names());
    v("lambda", lambda, "regularization λ of λ‖Θ‖² (mean loss)");
    v("samples", samples, "sampled mode: random directions for patterns");
    v("seed", seed, "sampled mode: seed of the random directions");
    v("max_iterations", max_iterations, "FISTA iterations (all rounds)");
    v("tolerance", tolerance, "relative duality gap that stops");
    v("enumerate", enumerate, "enumerate all cells when rank X ≤ 3 (false: sample)");
  }
  std::string Validate() const;  // "" or what is wrong
};

struct PatternResult : SummaryBase {
  double objective = 0;     // P of the returned network: mean loss + λ‖Θ‖² (attained)
  double dual = 0;          // D(sβ): ≤ min of the restricted problem; ≤ min P when exhaustive
  bool exhaustive = false;  // every cell of the arrangement was included
  long patterns = 0;        // distinct patterns included
  long iterations = 0;      // FISTA iterations
  long rounds = 0;          // working-set rounds
  TwoLayerNet network;      // balanced, one neuron per nonzero block
  Matrix directions;        // K×d unit rows ū_j (original coordinates)
  Vector weights;           // K signed masses a_j (f = Σ a_j relu(ū_j·x))
};

// X: n×d inputs (finite, n ≥ 1); y: n labels (±1 for logistic);
// extra_directions: K×d (or empty) directions whose patterns are included.
// Throws InputError on bad input or options.
PatternResult ThetaLambdaByPatterns(const Matrix& X, const Vector& y, const PatternOptions& opts,
                                    const Matrix& extra_directions = Matrix());

namespace detail {
// min_{μ ≥ 0} ‖Cμ − b‖₂ (C: r×m, b: r), Lawson & Hanson (1974) ch. 23 active
// set; a column joins when its gradient entry exceeds 1e-14·‖c_j‖‖b‖.
Vector NonNegativeLeastSquares(const Matrix& C, const Vector& b);
// Π_K(z) for the polyhedral cone K = {v : a_iᵀv ≥ 0}, a_i the COLUMNS of A
// (r×m): Π_K z = z + Aμ*, μ* = argmin_{μ≥0} ‖z + Aμ‖ (so Π_{K°} z = −Aμ*).
Vector ProjectOntoCone(const Matrix& A, const Vector& z);
// The cell patterns of Z's arrangement (Z: n×r, r ≤ 3 columns; see above), as
// strings of '0'/'1' (character i = 1[z_i·u > 0] on the cell), all-zero pattern
// omitted.
std::vector<std::string> CellPatterns(const Matrix& Z);
}  // namespace detail

}  // namespace marginlab::margin
