// Seeded multi-start ascent for the best-neuron oracle: a lower estimate of
// M(α) = max_{‖u‖≤1} |F(u)|, F(u) = Σ_i α_i relu(u·x_i) (see best_neuron.hpp).
//
// Starts (columns of a d×S matrix, unit norm, each with the sign s of the
// problem max s·F it climbs): the caller's seeds (the current support of a
// column generation, a certified network's neurons), ±x̂_i of the
// `data_starts` inputs with the largest |α_i|‖x_i‖, ±e_k, and `ascent_starts`
// seeded random directions climbed with both signs. Seeds and ±x̂_i, ±e_k
// climb in the sign of F at the start.
// Step (per start, all starts of a round in one blocked product): on the
// activation cell D(u) = {i : u·x_i > 0}, s·F(v) = s·g_D·v with
// g_D = Σ_{i∈D} α_i x_i, so the cell's ascent direction is g = s·g_D. Try the
// fixed point ĝ; if s·F does not increase, backtrack along u + t g/‖g‖
// (t = 2, 1, ½, …, renormalized: inside the cell s·F(u + t g)/‖u + t g‖ has
// derivative ‖g‖² − (g·u)² ≥ 0 at t = 0, so a small step helps unless u
// is already ĝ or sits on a cell boundary). A start stops when no step helps.
// Cost per round: two GEMMs of n×d by d×S (Z = X U, G = Xᵀ(α∘1[Z>0])) plus one
// per backtracking halving on the starts still rejected.
// A step counts when it raises s·F by more than 1e-10 relative (piecewise-linear
// zigzags otherwise take hundreds of steps for nothing); after 3 steps, starts
// below a quarter of the best value so far stop (they would not be returned).
// The returned value is the best s·F seen, so never below the best seed.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/margin/activation_patterns.hpp"
#include "marginlab/margin/best_neuron.hpp"

namespace marginlab::margin {

namespace {

constexpr int kHalvings = 6;
constexpr double kMinGain = 1e-10;      // a step must raise s·F by this much (relative)
constexpr int kFreeSteps = 3;           // steps every start takes
constexpr double kKeepFraction = 0.25;  // then starts below this fraction of the best stop
constexpr double kDistinctCos = 0.999;  // about 2.6 degrees

// Columns of U (d×S) and their signs: the starting directions.
struct Starts {
  Matrix U;
  Vector sign;
  Index count = 0;
  void Add(const Vector& u, double s) {
    if (count == U.cols()) U.conservativeResize(Eigen::NoChange, std::max<Index>(2 * count, 16));
    if (count == sign.size()) sign.conservativeResize(std::max<Index>(2 * count, 16));
    U.col(count) = u;
    sign[count] = s;
    ++count;
  }
};

// s_j · F(U.col(j)) for every column, from Z = X U.
Vector SignedValues(const Matrix& Z, const Vector& alpha, const Vector& sign) {
  Vector v = (Z.cwiseMax(0.0).transpose() * alpha);
  return v.cwiseProduct(sign);
}

Starts CollectStarts(const Matrix& X, const Vector& alpha, const OracleOptions& opts,
                     const Matrix& seeds) {
  const Index n = X.rows(), d = X.cols();
  Starts st;
  st.U.resize(d, 0);
  auto add_signed_by_value = [&](const Vector& u) {
    const double f = NeuronValue(X, alpha, u);
    st.Add(u, f >= 0 ? 1.0 : -1.0);
  };
  for (Index k = 0; k < seeds.rows(); ++k) {
    const double nk = seeds.row(k).norm();
    if (nk > 0 && std::isfinite(nk)) add_signed_by_value(seeds.row(k).transpose() / nk);
  }
  // ±x̂_i of the inputs with the largest |α_i|‖x_i‖.
  std::vector<Index> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  Vector weight(n);
  for (Index i = 0; i < n; ++i) weight[i] = std::abs(alpha[i]) * X.row(i).norm();
  const Index take = std::min<Index>(n, opts.data_starts);
  std::partial_sort(order.begin(), order.begin() + take, order.end(),
                    [&](Index a, Index b) { return weight[a] > weight[b] || (weight[a] == weight[b] && a < b); });
  for (Index t = 0; t < take; ++t) {
    const Index i = order[static_cast<size_t>(t)];
    const double xn = X.row(i).norm();
    if (xn == 0) continue;
    add_signed_by_value(X.row(i).transpose() / xn);
    add_signed_by_value(-X.row(i).transpose() / xn);
  }
  if (opts.axis_starts)
    for (Index k = 0; k < d; ++k)
      for (double s : {1.0, -1.0}) add_signed_by_value(s * Vector::Unit(d, k));
  Rng rng = Rng(opts.seed).Split(Purpose::kMonteCarlo);
  for (int s = 0; s < opts.ascent_starts; ++s) {
    const Vector u = rng.UnitSphere(d);
    st.Add(u, 1.0);
    st.Add(u, -1.0);
  }
  st.U.conservativeResize(Eigen::NoChange, st.count);
  st.sign.conservativeResize(st.count);
  return st;
}

// Gathers columns `idx` of M.
Matrix Gather(const Matrix& M, const std::vector<Index>& idx) {
  Matrix out(M.rows(), static_cast<Index>(idx.size()));
  for (size_t k = 0; k < idx.size(); ++k) out.col(static_cast<Index>(k)) = M.col(idx[k]);
  return out;
}

// Climbs every start; U, value updated in place. Returns the iterations run (over all starts).
long ClimbAll(const Matrix& X, const Vector& alpha, const Vector& sign, int iterations, Matrix& U,
              Vector& value, long* evaluations) {
  const Index S = U.cols();
  std::vector<Index> active(static_cast<size_t>(S));
  std::iota(active.begin(), active.end(), Index{0});
  long steps = 0;
  for (int it = 0; it < iterations && !active.empty(); ++it) {
    CheckInterrupt();
    steps += static_cast<long>(active.size());
    const Matrix Ua = Gather(U, active);
    const Matrix Za = X * Ua;  // n×A
    // g_j = s_j Σ_{i: z_ij > 0} α_i x_i
    Matrix W = (Za.array() > 0.0).cast<double>().matrix();
    W = alpha.asDiagonal() * W;
    Matrix G = X.transpose() * W;  // d×A
    for (size_t k = 0; k < active.size(); ++k) G.col(static_cast<Index>(k)) *= sign[active[k]];
    std::vector<Index> pending(active.size());  // positions into `active`
    std::iota(pending.begin(), pending.end(), Index{0});
    std::vector<char> moved(active.size(), 0);
    // Attempt 0: the fixed point ĝ; attempts 1…: u + t ĝ, t = 2, 1, ½, …
    double t = 4;
    for (int attempt = 0; attempt <= kHalvings && !pending.empty(); ++attempt, t /= 2) {
      Matrix C(X.cols(), static_cast<Index>(pending.size()));
      std::vector<Index> cols;
      std::vector<Index> keep;
      for (size_t k = 0; k < pending.size(); ++k) {
        const Index p = pending[k];
        const double gn = G.col(p).norm();
        if (!(gn > 0)) continue;  // F is flat on the cell (zero): no ascent
        const Vector gh = G.col(p) / gn;
        C.col(static_cast<Index>(cols.size())) =
            attempt == 0 ? gh : Vector((Ua.col(p) + t * gh).normalized());
        cols.push_back(p);
      }
      if (cols.empty()) break;
      C.conservativeResize(Eigen::NoChange, static_cast<Index>(cols.size()));
      const Matrix Zc = X * C;
      *evaluations += static_cast<long>(cols.size());
      Vector sc(static_cast<Index>(cols.size()));
      for (size_t k = 0; k < cols.size(); ++k) sc[static_cast<Index>(k)] = sign[active[cols[k]]];
      const Vector fc = SignedValues(Zc, alpha, sc);
      for (size_t k = 0; k < cols.size(); ++k) {
        const Index p = cols[k], j = active[p];
        const double old = value[j];
        if (fc[static_cast<Index>(k)] > old + kMinGain * std::abs(old)) {
          U.col(j) = C.col(static_cast<Index>(k));
          value[j] = fc[static_cast<Index>(k)];
          moved[p] = 1;
        } else {
          keep.push_back(p);
        }
      }
      pending = keep;
    }
    // Starts far below the best so far stop climbing (after a few steps): they
    // would not be among the candidates returned.
    const double best = value.maxCoeff();
    std::vector<Index> next;
    for (size_t k = 0; k < active.size(); ++k)
      if (moved[k] && (it < kFreeSteps || value[active[k]] >= kKeepFraction * best)) next.push_back(active[k]);
    active = next;
  }
  return steps;
}

// Cell polish of one direction: on the closed activation cell of u (inputs on its
// boundary counted active when their s·α_i > 0, which can only help), the max of
// the linear s·g_D·v over the cell ∩ ball is at Π_cell(g_D)/‖Π_cell(g_D)‖ (a
// cone projection, activation_patterns.hpp); move there while s·F rises. This
// lands exactly on the kinks where the ascent's steps only creep toward them.
void PolishOnCells(const Matrix& X, const Vector& alpha, double s, Vector& u, double& value) {
  const Index n = X.rows(), d = X.cols();
  for (int it = 0; it < 20; ++it) {
    const Vector z = X * u;
    Matrix A(d, n);
    Vector g = Vector::Zero(d);
    for (Index i = 0; i < n; ++i) {
      const double tol = 1e-12 * X.row(i).norm();
      const bool active = z[i] > tol || (std::abs(z[i]) <= tol && s * alpha[i] > 0);
      A.col(i) = active ? Vector(X.row(i).transpose()) : Vector(-X.row(i).transpose());
      if (active) g += s * alpha[i] * X.row(i).transpose();
    }
    const Vector v = detail::ProjectOntoCone(A, g);
    const double vn = v.norm();
    if (!(vn > 0)) return;
    const Vector cand = v / vn;
    const double fc = s * NeuronValue(X, alpha, cand);
    if (!(fc > value + kMinGain * std::abs(value))) return;
    u = cand;
    value = fc;
  }
}

}  // namespace

OracleResult BestNeuronAscent(const Matrix& X, const Vector& alpha, const OracleOptions& opts,
                              const Matrix& seeds) {
  ValidateOrThrow(opts, "best-neuron oracle");
  ML_REQUIRE(alpha.size() == X.rows()) << "best-neuron oracle: α has " << alpha.size()
                                       << " entries, X has " << X.rows() << " rows";
  ML_REQUIRE(seeds.size() == 0 || seeds.cols() == X.cols())
      << "best-neuron oracle: seeds have " << seeds.cols() << " coordinates, X has " << X.cols();
  const Index n = X.rows(), d = X.cols();
  OracleResult res;
  res.mode = OracleMode::kHeuristic;
  res.certified = false;
  res.upper = std::numeric_limits<double>::infinity();
  res.effective_dim = static_cast<int>(RowSpaceBasis(X).cols());
  res.u = Vector::Zero(d);
  res.candidates = Matrix(0, d);
  res.candidate_values = Vector(0);
  const Index S_max = seeds.rows() + 2 * std::min<Index>(n, opts.data_starts) + 2 * d +
                      2 * static_cast<Index>(opts.ascent_starts);
  // Z = X U and the products of one round: a few n×S blocks.
  RequireMemory(ArrayBytes({4, n, std::max<Index>(S_max, 1)}, sizeof(double)),
                "the best-neuron ascent (" + std::to_string(S_max) + " starts, n = " + std::to_string(n) + ")");
  Starts st = CollectStarts(X, alpha, opts, seeds);
  res.starts = st.count;
  if (st.count == 0) return res;
  Matrix U = st.U;
  Vector value = SignedValues(X * U, alpha, st.sign);
  res.evaluations = st.count;
  res.nodes = ClimbAll(X, alpha, st.sign, opts.ascent_iterations, U, value, &res.evaluations);

  // The best few starts (up to the candidates asked for, and at least 4) get the exact cell polish.
  {
    std::vector<Index> top(static_cast<size_t>(st.count));
    std::iota(top.begin(), top.end(), Index{0});
    const Index k = std::min<Index>(st.count, std::max(4, 2 * opts.candidates));
    std::partial_sort(top.begin(), top.begin() + k, top.end(),
                      [&](Index a, Index b) { return value[a] > value[b] || (value[a] == value[b] && a < b); });
    for (Index t = 0; t < k; ++t) {
      const Index j = top[static_cast<size_t>(t)];
      Vector u = U.col(j);
      PolishOnCells(X, alpha, st.sign[j], u, value[j]);
      U.col(j) = u;
      res.evaluations += 1;
    }
  }
  // Distinct best directions, best first: a candidate within `kDistinctCos` of
  // a better one adds nothing a column generation needs (nearly parallel columns).
  std::vector<Index> order(static_cast<size_t>(st.count));
  std::iota(order.begin(), order.end(), Index{0});
  std::sort(order.begin(), order.end(),
            [&](Index a, Index b) { return value[a] > value[b] || (value[a] == value[b] && a < b); });
  std::vector<Index> chosen;
  for (Index j : order) {
    if (static_cast<int>(chosen.size()) >= opts.candidates || !(value[j] > 0)) break;
    bool same = false;
    for (Index c : chosen) same = same || U.col(j).dot(U.col(c)) > kDistinctCos;
    if (!same) chosen.push_back(j);
  }
  if (chosen.empty()) return res;  // F ≤ 0 everywhere we looked: M estimated as 0
  res.candidates.resize(static_cast<Index>(chosen.size()), d);
  res.candidate_values.resize(static_cast<Index>(chosen.size()));
  for (size_t k = 0; k < chosen.size(); ++k) {
    res.candidates.row(static_cast<Index>(k)) = U.col(chosen[k]).transpose();
    res.candidate_values[static_cast<Index>(k)] = value[chosen[k]];
  }
  res.u = U.col(chosen[0]);
  res.sign = st.sign[chosen[0]] > 0 ? 1 : -1;
  res.value = value[chosen[0]];
  return res;
}

}  // namespace marginlab::margin
