// Θ_λ by activation patterns: the solver (see activation_patterns.hpp).
//
// Problem (Pilanci & Ergen 2020 §3, mean loss of Wei et al. eq. 2.2): over the
// blocks b = (D, σ), D an included pattern, σ = ±1, v_b ∈ K_D = {v : (2D−I)Zv ≥ 0},
//     min F(v) = R(f(v)) + 2λ Σ_b ‖v_b‖,   f(v) = Σ_b σ_b D Z v_b,
// Z = XV the row-space coordinates of the inputs. Working set W of blocks:
// FISTA on W (Working::ProxConeNorm), the Newton polishes
// (activation_patterns_polish.cpp), then every block is priced at β = ∇R(f):
// block b stays at 0 in an optimum iff ‖Π_{K_D}(−σ_b ZᵀDβ)‖ ≤ 2λ (its
// optimality condition 0 ∈ σ_b ZᵀDβ + 2λ∂‖·‖(0) + N_{K_D}(0)), the largest
// violators join W and zero blocks that do not violate leave. Weak duality:
// for every β' with ‖Π_{K_D}(∓ZᵀDβ')‖ ≤ 2λ for all blocks, F ≥ D(β') = −R*(β')
// (R(a) ≥ β'·a − R*(β') and β'·σDZv_b + 2λ‖v_b‖ ≥ 0 on K_D), applied to
// β' = sβ, s = min(1, 2λ / max price).
#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <queue>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "activation_patterns_internal.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/margin/activation_patterns.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/objective.hpp"

namespace marginlab::margin {

namespace {

using namespace patterns_internal;

std::string Brief(double v) {
  std::ostringstream out;
  out << std::setprecision(3) << v;
  return out.str();
}

// F − D on the working set alone (the prices of W's blocks only).
double RestrictedGap(const Problem& pb, const Working& ws, const Matrix& V) {
  const Vector f = ws.Forward(pb.Z, V);
  const Vector beta = LossGradient(pb.loss, f, pb.y);
  const Matrix G = ws.Gradient(pb.Z, beta);
  double price = 0;
  for (Index b = 0; b < G.cols(); ++b)
    price = std::max(price, detail::ProjectOntoCone(ws.A[static_cast<std::size_t>(b)],
                                                    -G.col(b)).norm());
  return MeanLoss(pb.loss, f, pb.y) + pb.mu * Penalty(V) - ScaledDual(pb, beta, price);
}

// FISTA on the working set until its gap ≤ target or `budget` iterations;
// backtracking from 0.9·L (Scheinberg, Goldfarb & Bai 2014 momentum for a
// varying L), restart when (y − x⁺)·(x⁺ − x) > 0 (O'Donoghue & Candès 2015).
void Fista(const Problem& pb, Working& ws, double target, long budget, double* L, long* used) {
  const Index n = pb.Z.rows();
  Matrix X = ws.X, Y = X;
  double t = 1;
  for (long it = 0; it < budget; ++it) {
    if (it % 10 == 0 && RestrictedGap(pb, ws, X) <= target) break;
    const Vector fy = ws.Forward(pb.Z, Y);
    const double Ry = MeanLoss(pb.loss, fy, pb.y);
    const Matrix G = ws.Gradient(pb.Z, LossGradient(pb.loss, fy, pb.y));
    double Ln = 0.9 * *L;
    Matrix Xn;
    // Accept L when the quadratic model bounds R at x⁺, either measured or by
    // the loss's curvature bound (R(f + Δ) ≤ R(f) + β·Δ + sup ℓ''‖Δ‖²/(2n),
    // free of the rounding in differences of R near convergence).
    for (int bt = 0; bt < 80; ++bt) {
      Xn = ws.ProxConeNorm(Y - G / Ln, pb.mu / Ln);
      const Matrix step = Xn - Y;
      const Vector fn = ws.Forward(pb.Z, Xn);
      const double quad = 0.5 * Ln * step.squaredNorm();
      if (pb.loss.MaxCurvature() * (fn - fy).squaredNorm() / (2.0 * static_cast<double>(n)) <= quad ||
          MeanLoss(pb.loss, fn, pb.y) <= Ry + (G.array() * step.array()).sum() + quad)
        break;
      Ln *= 2;
    }
    const double tn = 0.5 * (1 + std::sqrt(1 + 4 * (Ln / *L) * t * t));
    if (((Y - Xn).array() * (Xn - X).array()).sum() > 0) {
      Y = Xn;
      t = 1;
    } else {
      Y = Xn + ((t - 1) / tn) * (Xn - X);
      t = tn;
    }
    X = Xn;
    *L = Ln;
    ++*used;
  }
  ws.X = X;
}

struct Pricing {
  double max_price = 0;
  std::vector<std::pair<double, Index>> violators;  // (price, block id), price > 2λ
};

// Prices the blocks at β, in decreasing order of ‖ZᵀDβ‖ (a bound on both of a
// pattern's prices) until no remaining block can exceed 2λ or the `want`-th
// largest price found: max_price is exact, violators holds at least the
// `want` largest (all of them when fewer).
Pricing PriceAll(const Problem& pb, const Vector& beta, std::size_t want) {
  Pricing out;
  const Index n = pb.Z.rows(), r = pb.Z.cols();
  Matrix G(r, static_cast<Index>(pb.patterns.size()));
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t p = 0; p < pb.patterns.size(); ++p) {
    const std::string& D = pb.patterns[p];
    auto g = G.col(static_cast<Index>(p));
    g.setZero();
    for (Index i = 0; i < n; ++i)
      if (D[static_cast<std::size_t>(i)] == '1') g += beta[i] * pb.Z.row(i).transpose();
    if (g.norm() > pb.mu) order.emplace_back(g.norm(), p);
  }
  std::sort(order.begin(), order.end(), std::greater<>());
  std::priority_queue<double, std::vector<double>, std::greater<>> top;  // the `want` largest
  const Vector zn = pb.Z.rowwise().norm();
  for (const auto& [bound, p] : order) {
    const double threshold = std::max(pb.mu, top.size() >= want ? top.top() : 0.0);
    if (bound <= threshold) break;
    const std::string& D = pb.patterns[p];
    const Vector g = G.col(static_cast<Index>(p));
    const Vector zg = pb.Z * g;
    for (int sgn = 0; sgn < 2; ++sgn) {
      // The most violated constraint a_i (a_iᵀz < 0, z = ∓g) bounds the price
      // by the norm of z's projection on the half-space a_iᵀv ≥ 0.
      double worst = 0;
      for (Index i = 0; i < n; ++i)
        if (zn[i] > 0) {
          const double c = (D[static_cast<std::size_t>(i)] == '1') == (sgn == 1) ? zg[i] : -zg[i];
          worst = std::min(worst, c / zn[i]);
        }
      if (bound * bound - worst * worst <= threshold * threshold) continue;
      const double price =
          worst == 0 ? bound
                     : detail::ProjectOntoCone(ConeColumns(pb.Z, D), sgn == 0 ? Vector(-g) : g).norm();
      out.max_price = std::max(out.max_price, price);
      if (price <= pb.mu) continue;
      out.violators.emplace_back(price, static_cast<Index>(2 * p) + sgn);
      top.push(price);
      if (top.size() > want) top.pop();
    }
  }
  std::sort(out.violators.begin(), out.violators.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  return out;
}

void CheckInput(const Matrix& X, const Vector& y, const Matrix& extra, const PatternOptions& o) {
  ValidateOrThrow(o, "activation patterns");
  ML_REQUIRE(X.rows() >= 1) << "activation patterns: no data (X has 0 rows)";
  ML_REQUIRE(X.rows() == y.size()) << "activation patterns: X has " << X.rows() << " rows, y has "
                                   << y.size() << " entries";
  ML_REQUIRE(X.allFinite() && y.allFinite()) << "activation patterns: X and y must be finite";
  if (MarginLoss(o.loss).logistic())
    for (Index i = 0; i < y.size(); ++i)
      ML_REQUIRE(y[i] == 1 || y[i] == -1) << "activation patterns: logistic labels must be ±1, y["
                                          << i << "] = " << y[i];
  ML_REQUIRE(extra.size() == 0 || extra.cols() == X.cols())
      << "activation patterns: extra directions have " << extra.cols() << " columns, data has "
      << X.cols() << " features";
  ML_REQUIRE(extra.allFinite()) << "activation patterns: extra directions must be finite";
}

// The included patterns: all cells (exhaustive) or sampled ones, plus the extras'.
std::vector<std::string> Patterns(const Matrix& Z, const Matrix& V, const Matrix& extra,
                                  const PatternOptions& o, bool exhaustive) {
  const Index n = Z.rows(), d = V.rows();
  const long count = exhaustive ? static_cast<long>(n * n + 2) : o.samples;
  const long rows = static_cast<long>(SaturatingAdd(static_cast<std::uint64_t>(count),
                                                    static_cast<std::uint64_t>(extra.rows())));
  RequireMemory(ArrayBytes({rows, std::max(n, d)}, sizeof(double)),
                "activation patterns (" + std::to_string(rows) + " patterns of " +
                    std::to_string(n) + " examples)");
  std::vector<std::string> pats = exhaustive ? detail::CellPatterns(Z) : std::vector<std::string>{};
  Matrix U(0, d);
  if (!exhaustive) {
    Rng rng = Rng(o.seed).Split(Purpose::kMonteCarlo);
    U.resize(o.samples, d);
    for (Index s = 0; s < o.samples; ++s) U.row(s) = rng.UnitSphere(d).transpose();
  }
  if (extra.rows() > 0) {
    U.conservativeResize(U.rows() + extra.rows(), d);
    U.bottomRows(extra.rows()) = extra;
  }
  std::unordered_set<std::string> seen(pats.begin(), pats.end());
  const Matrix S = Z * (V.transpose() * U.transpose());  // n×K signs of z_i·Vᵀu
  for (Index k = 0; k < S.cols(); ++k) {
    std::string p(static_cast<std::size_t>(n), '0');
    for (Index i = 0; i < n; ++i)
      if (S(i, k) > 0) p[static_cast<std::size_t>(i)] = '1';
    if (p.find('1') != std::string::npos && seen.insert(p).second) pats.push_back(p);
  }
  return pats;
}

// The working-set rounds; fills iterations, rounds, termination, directions, weights.
void Solve(const Problem& pb, const PatternOptions& o, const Matrix& V, PatternResult* res) {
  const Index n = pb.Z.rows(), r = pb.Z.cols();
  Working ws;
  ws.member.assign(2 * pb.patterns.size(), 0);
  ws.S.resize(n, 0);
  ws.X.resize(r, 0);
  double L = pb.loss.MaxCurvature() * std::max(pb.Z.squaredNorm(), 1e-300) / static_cast<double>(n);
  constexpr int kAddPerRound = 16;
  constexpr long kRoundIterations = 100;  // FISTA steps between polishes and pricing
  res->termination = Termination::kMaxIterations;
  for (;;) {
    ++res->rounds;
    const Vector f = ws.Forward(pb.Z, ws.X);
    const Vector beta = LossGradient(pb.loss, f, pb.y);
    const Pricing pr = PriceAll(pb, beta, ws.ids.size() + kAddPerRound);
    const double primal = MeanLoss(pb.loss, f, pb.y) + pb.mu * Penalty(ws.X);
    const double gap = primal - ScaledDual(pb, beta, pr.max_price);
    const double target = o.tolerance * std::max(1.0, std::abs(primal));
    if (gap <= target) {
      res->termination = Termination::kConverged;
      break;
    }
    if (res->iterations >= o.max_iterations) break;
    // Zero blocks that do not price out leave; the largest violators join.
    std::vector<char> keep(ws.ids.size(), 0);
    std::vector<char> violating(ws.member.size(), 0);
    for (const auto& [price, id] : pr.violators) violating[static_cast<std::size_t>(id)] = 1;
    for (std::size_t b = 0; b < keep.size(); ++b)
      keep[b] = violating[static_cast<std::size_t>(ws.ids[b])] ||
                ws.X.col(static_cast<Index>(b)).norm() > 0;
    ws.Retain(keep);
    int added = 0;
    for (const auto& [price, id] : pr.violators) {
      if (added == kAddPerRound) break;
      if (ws.member[static_cast<std::size_t>(id)]) continue;
      ws.Add(pb, id);
      ++added;
    }
    const long before = res->iterations;
    Fista(pb, ws, std::max(0.1 * gap, 0.5 * target),
          std::min(kRoundIterations, o.max_iterations - res->iterations), &L, &res->iterations);
    MassPolish(pb, ws);
    Polish(pb, ws);
    if (added == 0 && res->iterations == before) {
      res->termination = Termination::kFailed;
      res->message = "stalled at gap " + Brief(gap) + " (rounding)";
      break;
    }
  }
  // Masses below 1e-12 of the largest are rounding debris of the polishes
  // (the objective and certificate are recomputed at the network).
  const double largest = ws.X.cols() > 0 ? ws.X.colwise().norm().maxCoeff() : 0.0;
  std::vector<Index> nz;
  for (Index b = 0; b < ws.X.cols(); ++b)
    if (ws.X.col(b).norm() > 1e-12 * largest) nz.push_back(b);
  const Index K = static_cast<Index>(nz.size());
  res->directions.resize(K, V.rows());
  res->weights.resize(K);
  for (Index k = 0; k < K; ++k) {
    const Index b = nz[static_cast<std::size_t>(k)];
    const double m = ws.X.col(b).norm();
    res->directions.row(k) = (V * ws.X.col(b)).transpose() / m;
    res->weights[k] = ws.ids[static_cast<std::size_t>(b)] % 2 == 0 ? m : -m;
  }
}

}  // namespace

PatternResult ThetaLambdaByPatterns(const Matrix& X, const Vector& y, const PatternOptions& opts,
                                    const Matrix& extra_directions) {
  CheckInput(X, y, extra_directions, opts);
  Stopwatch sw;
  const Matrix V = RowSpaceBasis(X);  // d×r, X = (XV)Vᵀ
  const Matrix Z = X * V;
  PatternResult res;
  res.exhaustive = opts.enumerate && V.cols() <= 3;
  Problem pb{MarginLoss(opts.loss), Z, y, 2 * opts.lambda,
             Patterns(Z, V, extra_directions, opts, res.exhaustive)};
  res.patterns = static_cast<long>(pb.patterns.size());
  res.AddTiming("patterns", sw.Seconds());
  Stopwatch solve;
  Solve(pb, opts, V, &res);
  // The network of the final blocks, certified at its own outputs.
  res.network = BalancedNetwork(res.directions, res.weights);
  const Vector f = res.network.Outputs(X);
  res.objective = MeanLoss(pb.loss, f, y) + opts.lambda * res.network.SquaredNorm();
  const Vector beta = LossGradient(pb.loss, f, y);
  res.dual = ScaledDual(pb, beta, PriceAll(pb, beta, 1).max_price);
  if (res.message.empty())
    res.message = std::string(res.exhaustive ? "all " : "restricted to ") +
                  std::to_string(res.patterns) + " patterns, gap " + Brief(res.objective - res.dual);
  res.AddTiming("solve", solve.Seconds());
  return res;
}

}  // namespace marginlab::margin
