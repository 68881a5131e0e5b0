// The l1-SVM over ReLU features: dictionary LP, column generation, extraction
// (Wei et al. eq. B.14, Prop. B.10; see the header).
#include "marginlab/core/memory.hpp"
#include "marginlab/margin/l1svm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/linear_svm.hpp"
#include "marginlab/margin/objective.hpp"
#include "restricted_fit.hpp"

namespace marginlab::margin {

std::string L1SvmOptions::Validate() const {
  if (max_rounds < 1) return "max_rounds must be ≥ 1";
  if (columns_per_round < 1) return "columns_per_round must be ≥ 1";
  if (initial_inputs < 0) return "initial_inputs must be ≥ 0";
  if (!(tolerance >= 0) || !std::isfinite(tolerance)) return "tolerance must be finite and ≥ 0";
  return oracle.Validate();
}

Matrix CircleDictionary(Index K) {
  ML_REQUIRE(K >= 1) << "dictionary size must be ≥ 1";
  RequireMemory(ArrayBytes({K, 2}, sizeof(double)), "a dictionary of " + std::to_string(K) + " directions");
  Matrix D(K, 2);
  for (Index k = 0; k < K; ++k) {
    const double t = 2 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(K);
    D(k, 0) = std::cos(t);
    D(k, 1) = std::sin(t);
  }
  return D;
}

namespace {

Matrix NormalizedRows(const Matrix& D, Index d) {
  ML_REQUIRE(D.cols() == d) << "l1-SVM: dictionary has " << D.cols() << " columns, data has " << d
                            << " features";
  Matrix out(D.rows(), d);
  Index k = 0;
  for (Index r = 0; r < D.rows(); ++r) {
    const double nr = D.row(r).norm();
    if (nr > 0 && std::isfinite(nr)) out.row(k++) = D.row(r) / nr;
  }
  out.conservativeResize(k, d);
  return out;
}

// The LP of (a) with signed columns, kept between rounds:
//   max t  s.t.  y_i Σ_j s_j relu(ū_j·x_i) a_j − t ≥ 0 (i < n),  Σ_j a_j ≤ 1,  a ≥ 0, t free.
class L1Lp {
 public:
  L1Lp(const Matrix& X, const Vector& y, LpBackend& backend) : X_(X), y_(y) {
    const Index n = X.rows();
    LpProblem lp = LpProblem::Make(n + 1, 1);  // column 0: t
    lp.maximize = true;
    lp.A.block(0, 0, n, 1).setConstant(-1.0);
    lp.row_lower.head(n).setZero();
    lp.row_upper[n] = 1;
    lp.c[0] = 1;
    lp.col_lower[0] = -kLpInf;
    model_ = backend.Start(lp);
    dirs_.resize(0, X.cols());
    cut_ = 1e-13 * std::sqrt(X.rowwise().squaredNorm().maxCoeff());
  }

  // Appends directions U (k×d, unit rows) with signs s (±1).
  void Add(const Matrix& U, const Vector& s) {
    const Index n = X_.rows(), k = U.rows();
    // Directions from the oracle often lie on a boundary u·x_i = 0, where the
    // feature is rounding noise (~1e-17); such entries upset the simplex's
    // factorization, so features below 1e-13·max‖x‖ are set to exactly 0.
    Matrix Phi = (X_ * U.transpose()).unaryExpr([this](double v) { return v < cut_ ? 0.0 : v; });
    Matrix A(n + 1, k);
    A.topRows(n) = y_.asDiagonal() * Phi * s.asDiagonal();
    A.row(n).setOnes();
    model_->AddColumns(A, Vector::Zero(k), Vector::Zero(k), Vector::Constant(k, kLpInf));
    dirs_.conservativeResize(dirs_.rows() + k, Eigen::NoChange);
    dirs_.bottomRows(k) = U;
    signs_.conservativeResize(signs_.size() + k);
    signs_.tail(k) = s;
    Ymargin_.conservativeResize(n, Ymargin_.cols() + k);
    Ymargin_.rightCols(k) = A.topRows(n);
  }

  Index size() const { return dirs_.rows(); }
  const Matrix& Directions() const { return dirs_; }

  // Solves; fills gamma_lo (the attained margin of the weights), directions, weights, q.
  long Solve(L1SvmResult* res) {
    const Index n = X_.rows(), K = dirs_.rows();
    const LpSolution sol = model_->Solve();
    ML_CHECK(sol.status == LpStatus::kOptimal) << "l1-SVM LP: " << ToString(sol.status);
    Vector a = sol.x.tail(K).cwiseMax(0.0);
    a /= std::max(1.0, a.sum());  // feasible: ‖a‖₁ ≤ 1 exactly, not to the LP's tolerance
    res->directions = dirs_;
    res->weights = a.cwiseProduct(signs_);
    res->gamma_lo = K > 0 ? (Ymargin_ * a).minCoeff() : 0.0;
    Vector q = sol.y.head(n).cwiseAbs();
    const double sum = q.sum();
    res->q = sum > 0 ? Vector(q / sum) : Vector(Vector::Constant(n, 1.0 / static_cast<double>(n)));
    return sol.iterations;
  }

 private:
  const Matrix& X_;
  const Vector& y_;
  std::unique_ptr<LpModel> model_;
  Matrix dirs_;
  Vector signs_;
  Matrix Ymargin_;  // n×K: y_i s_j φ_ij
  double cut_ = 0;
};

// The l1-SVM is feasible with γ > 0 unless some input cannot be given its label
// by a positively homogeneous f: a zero input (f(0) = 0), or two inputs on one
// ray with opposite labels (f(c x) = c f(x), c > 0). Checked before any LP.
void RequireReluSeparable(const Matrix& X, const Vector& y, const char* what) {
  const Index n = X.rows();
  Matrix Xh(n, X.cols());
  for (Index i = 0; i < n; ++i) {
    const double xn = X.row(i).norm();
    ML_REQUIRE(xn > 0) << what << ": input " << i << " is zero, so f(x_" << i
                       << ") = 0 for every ReLU network: the data are not separable";
    Xh.row(i) = X.row(i) / xn;
  }
  std::vector<Index> order(static_cast<size_t>(n));
  for (Index i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  std::sort(order.begin(), order.end(), [&](Index a, Index b) {
    for (Index k = 0; k < Xh.cols(); ++k)
      if (Xh(a, k) != Xh(b, k)) return Xh(a, k) < Xh(b, k);
    return a < b;
  });
  for (size_t t = 1; t < order.size(); ++t) {
    const Index a = order[t - 1], b = order[t];
    ML_REQUIRE(!((Xh.row(a) - Xh.row(b)).norm() <= 1e-12 && y[a] != y[b]))
        << what << ": inputs " << std::min(a, b) << " and " << std::max(a, b)
        << " lie on one ray with opposite labels, and f(c x) = c f(x): the data are not separable by ReLU features";
  }
}

}  // namespace

Matrix KnownDirections(const Matrix& X, long max_inputs) {
  const Index n = X.rows(), d = X.cols();
  const Index take = std::min<Index>(n, std::max<long>(max_inputs, 0));
  Matrix D(2 * take + 2 * d, d);
  Index k = 0;
  for (Index t = 0; t < take; ++t) {
    // Evenly strided: inputs ⌊t·n/take⌋ (all of them when take = n).
    const Index i = static_cast<Index>((static_cast<double>(t) * static_cast<double>(n)) / static_cast<double>(take));
    const double xn = X.row(i).norm();
    if (!(xn > 0)) continue;
    D.row(k++) = X.row(i) / xn;
    D.row(k++) = -X.row(i) / xn;
  }
  for (Index j = 0; j < d; ++j) {
    D.row(k++) = Vector::Unit(d, j).transpose();
    D.row(k++) = -Vector::Unit(d, j).transpose();
  }
  D.conservativeResize(k, Eigen::NoChange);
  return D;
}

L1SvmResult L1SvmDictionary(const Matrix& X, const Vector& y, const Matrix& D, LpBackend& backend) {
  (void)SignedRows(X, y, "l1-SVM");
  const Matrix Du = NormalizedRows(D, X.cols());
  ML_REQUIRE(Du.rows() >= 1) << "l1-SVM: the dictionary has no nonzero direction";
  L1SvmResult res;
  Stopwatch sw;
  L1Lp lp(X, y, backend);
  Matrix both(2 * Du.rows(), X.cols());
  both << Du, Du;
  Vector s(2 * Du.rows());
  s << Vector::Ones(Du.rows()), -Vector::Ones(Du.rows());
  lp.Add(both, s);
  lp.Solve(&res);
  res.gamma_hi = std::numeric_limits<double>::infinity();
  res.termination = Termination::kConverged;
  res.message = "LP over a fixed dictionary of " + std::to_string(Du.rows()) + " directions";
  res.AddTiming("lp", sw.Seconds());
  return res;
}

Matrix DefaultDictionary(Index K, Index d, std::uint64_t seed, std::string* description) {
  ML_REQUIRE(K >= 1 && d >= 1) << "dictionary: expected at least one direction in d >= 1, got K = " << K;
  if (d == 2) {
    if (description) *description = std::to_string(K) + " evenly spaced directions on the circle";
    return CircleDictionary(K);
  }
  if (description) *description = std::to_string(K) + " random directions on the sphere";
  Rng rng = Rng(seed).Split(Purpose::kInit);
  Matrix D(K, d);
  for (Index k = 0; k < K; ++k) D.row(k) = rng.UnitSphere(d).transpose();
  return D;
}

void BoundDictionarySolution(const Matrix& X, const Vector& y, const OracleOptions& oracle, L1SvmResult& r) {
  const OracleResult o = BestNeuron(X, r.q.cwiseProduct(y), oracle, SupportDirections(r));
  r.oracle_mode = ToString(o.mode);
  r.certified = o.Bounded();
  r.gamma_hi = std::max(r.gamma_lo, r.certified ? o.upper : o.value);
}

L1SvmResult L1SvmColumnGeneration(const Matrix& X, const Vector& y, LpBackend& backend,
                                  const L1SvmOptions& opts, const Matrix& initial) {
  ValidateOrThrow(opts, "l1-SVM column generation");
  {
    // The LP's columns (n + 1 rows each, held by the model, its solver's copy and the features)
    // grow by ≤ columns_per_round a round from ±(initial inputs and axes): the most they can be.
    const Index first = initial.size() > 0 ? 2 * initial.rows()
                                           : 2 * (std::min<Index>(opts.initial_inputs, X.rows()) + X.cols());
    using U = std::uint64_t;
    const U columns = SaturatingAdd(static_cast<U>(first), SaturatingMul(static_cast<U>(opts.max_rounds),
                                                                          static_cast<U>(opts.columns_per_round)));
    RequireMemory(SaturatingMul(SaturatingMul(static_cast<U>(X.rows() + 1), columns), 3 * sizeof(double)),
                  "the l1-SVM's linear program (n = " + std::to_string(X.rows()) + ", up to " +
                      std::to_string(columns) + " columns)");
  }
  (void)SignedRows(X, y, "l1-SVM");
  RequireReluSeparable(X, y, "l1-SVM");
  const Index d = X.cols();
  const double scale = std::sqrt(X.rowwise().squaredNorm().maxCoeff());
  ML_REQUIRE(scale > 0) << "l1-SVM: every input is zero";
  OracleOptions oracle = opts.oracle;
  oracle.candidates = std::max(oracle.candidates, opts.columns_per_round);
  L1SvmResult res;
  res.gamma_hi = std::numeric_limits<double>::infinity();
  res.certified = true;
  res.termination = Termination::kMaxIterations;
  double lp_seconds = 0, oracle_seconds = 0;
  Stopwatch t, solve_clock;
  L1Lp lp(X, y, backend);
  if (initial.size() > 0) {
    const Matrix U0 = NormalizedRows(initial, d);
    ML_REQUIRE(U0.rows() >= 1) << "l1-SVM: every initial column is zero";
    Matrix both(2 * U0.rows(), d);
    both << U0, U0;
    Vector s(2 * U0.rows());
    s << Vector::Ones(U0.rows()), -Vector::Ones(U0.rows());
    lp.Add(both, s);
  } else {
    const Matrix U0 = NormalizedRows(KnownDirections(X, opts.initial_inputs), d);
    Matrix both(2 * U0.rows(), d);
    both << U0, U0;
    Vector s(2 * U0.rows());
    s << Vector::Ones(U0.rows()), -Vector::Ones(U0.rows());
    lp.Add(both, s);
  }
  lp_seconds += t.Seconds();  // the first columns: features and the LP model
  // Prices at the smoothed dual q_s = θ q_c + (1 − θ) q_lp (Wentges 1997): q_c is
  // the simplex point with the best (lowest) M so far, q_lp the restricted LP's
  // dual. The LP's dual is degenerate wherever the primal is (wei-d: γ_lo is
  // optimal at once, yet its vertex q has M ≈ 2γ_ℓ1); the smoothed point moves
  // into the optimal face. Every q ∈ Δ gives γ_ℓ1 ≤ M(q∘y), so the best over
  // rounds bounds (or, heuristic, estimates) γ_ℓ1.
  constexpr double kTheta = 0.8;  // measured on wei-d d = 16, n = 200: 0.5 and 0.95 converge slower
  constexpr double kCenterMu = 1e-4;  // (×max‖x‖²) measured on wei-d: 2e-6 cost 280 s of fitting at n = 6400
  Vector q_center;
  auto price = [&](const Vector& q, const Matrix& support) {
    t.Restart();
    OracleResult o = BestNeuron(X, q.cwiseProduct(y), oracle, support);
    oracle_seconds += t.Seconds();
    res.oracle_evaluations += o.evaluations;
    res.oracle_mode = ToString(o.mode);
    const bool bounded = o.Bounded();
    if (!bounded) res.certified = false;
    const double hi = bounded ? o.upper : o.value;
    if (hi < res.gamma_hi) {
      res.gamma_hi = hi;
      q_center = q;
    }
    return o;
  };
  // Candidates with a positive reduced cost at the LP's dual: s·F_{q_lp}(ū) > γ_lo,
  // by more than the simplex's own dual tolerance would notice (a column priced
  // out by less enters with no pivot, and the same column would return forever).
  auto priced_out = [&](const OracleResult& o, const Vector& alpha_lp) {
    Matrix U(0, d);
    if (o.candidates.rows() == 0) return U;
    const Vector f = (X * o.candidates.transpose()).cwiseMax(0.0).transpose() * alpha_lp;
    const double threshold = res.gamma_lo + std::max(opts.tolerance, 1e-10) * scale;
    for (Index k = 0; k < f.size() && U.rows() < opts.columns_per_round; ++k)
      if (std::abs(f[k]) > threshold) {
        U.conservativeResize(U.rows() + 1, Eigen::NoChange);
        U.row(U.rows() - 1) = o.candidates.row(k);
      }
    return U;
  };
  // Centers from the logistic path: as λ → 0 the weights of the regularized
  // logistic fit concentrate on the minimum-margin points in proportion to a
  // max-margin dual (Rosset, Zhu & Hastie 2004), so β = ∇R of a rough restricted
  // fit on the current columns (λ = 5e-5·max‖x‖², 3 active-set passes of 20
  // sweeps), normalized, is a dual point with small M — priced before round 0
  // and every kRecenter rounds. Any q ∈ Δ is valid: this only saves rounds
  // (wei-d d = 16, n = 1600: 1 round instead of > 280).
  constexpr long kRecenter = 20;
  double center_seconds = 0;
  auto logistic_center = [&]() {
    Stopwatch tc;
    const MarginLoss logistic("logistic");
    const Matrix Phi = (X * lp.Directions().transpose()).cwiseMax(0.0);
    Vector a = Vector::Zero(Phi.cols()), f;
    detail::FitRestricted(logistic, Phi, y, kCenterMu * scale * scale, 20, &a, &f, 3);
    const Vector beta = LossGradient(logistic, f, y).cwiseAbs();
    const double fit = tc.Seconds();
    if (beta.sum() > 0) (void)price(beta / beta.sum(), Matrix(0, d));
    center_seconds += fit;
  };
  logistic_center();
  for (long round = 0; round < opts.max_rounds; ++round) {
    CheckInterrupt();
    if (round > 0 && round % kRecenter == 0) logistic_center();
    t.Restart();
    const long lp_iterations = lp.Solve(&res);
    lp_seconds += t.Seconds();
    const Matrix support = SupportDirections(res);
    const Vector alpha_lp = res.q.cwiseProduct(y);
    if (q_center.size() > 0) {
      // The support's own columns at q_c: with a heuristic oracle, a value above the
      // estimate proves the oracle sub-optimal there; it raises the estimate.
      const Vector fc = (X * support.transpose()).cwiseMax(0.0).transpose() * q_center.cwiseProduct(y);
      const double known = fc.size() > 0 ? fc.cwiseAbs().maxCoeff() : 0.0;
      ML_CHECK(!res.certified || known <= res.gamma_hi + 1e-9 * scale)
          << "l1-SVM: a column beats the certified oracle bound (" << known << " > " << res.gamma_hi << ")";
      res.gamma_hi = std::max(res.gamma_hi, known);
    }
    const Vector q_s = q_center.size() > 0 ? Vector(kTheta * q_center + (1 - kTheta) * res.q) : res.q;
    const OracleResult o = price(q_s, support);
    Matrix U = priced_out(o, alpha_lp);
    double oracle_value = o.value;
    if (U.rows() == 0 && q_center.size() > 0) {  // mispricing: price the LP's own dual
      const OracleResult o2 = price(res.q, support);
      U = priced_out(o2, alpha_lp);
      oracle_value = o2.value;
    }
    res.trace.push_back({lp.size(), res.gamma_lo, res.gamma_hi, oracle_value, lp_iterations, o.evaluations});
    if (opts.observer &&
        !opts.observer(BracketRecord{round + 1, res.gamma_lo, res.gamma_hi, res.certified, lp.size(), solve_clock.Seconds()})) {
      res.termination = Termination::kStopped;
      res.message = "stopped by the observer after round " + std::to_string(round + 1);
      break;
    }
    if (res.gamma_hi - res.gamma_lo <= opts.tolerance * scale) {
      res.termination = Termination::kConverged;
      break;
    }
    if (o.mode == OracleMode::kBound && res.gamma_hi - res.gamma_lo <= 2 * (o.upper - o.value)) {
      // The bracket is as narrow as the branch-and-bound's own resolution.
      res.termination = Termination::kConverged;
      res.message = "bracket at the branch-and-bound oracle's tolerance";
      break;
    }
    if (U.rows() == 0) {
      res.termination = Termination::kConverged;
      res.message = res.certified ? "no column prices out" : "the heuristic oracle found no column that prices out";
      break;
    }
    Vector sgn(U.rows());
    const Vector fu = (X * U.transpose()).cwiseMax(0.0).transpose() * alpha_lp;
    for (Index k = 0; k < U.rows(); ++k) sgn[k] = fu[k] >= 0 ? 1 : -1;
    lp.Add(U, sgn);
  }
  res.AddTiming("lp", lp_seconds);
  res.AddTiming("oracle", oracle_seconds);
  res.AddTiming("center", center_seconds);
  // Weak duality: a certified γ_hi below an attained γ_lo is a bug, not rounding.
  ML_CHECK(!res.certified || res.gamma_hi >= res.gamma_lo - 1e-9 * scale)
      << "l1-SVM: certified upper bound " << res.gamma_hi << " below the attained margin " << res.gamma_lo;
  if (res.gamma_hi < res.gamma_lo) res.gamma_hi = res.gamma_lo;  // rounding
  return res;
}

Matrix SupportDirections(const L1SvmResult& r) {
  Matrix S(r.directions.rows(), r.directions.cols());
  Index k = 0;
  for (Index j = 0; j < r.weights.size(); ++j)
    if (r.weights[j] != 0) S.row(k++) = r.directions.row(j);
  S.conservativeResize(k, Eigen::NoChange);
  return S;
}

TwoLayerNet ExtractNetwork(const L1SvmResult& r) { return BalancedNetwork(r.directions, r.weights); }

}  // namespace marginlab::margin
