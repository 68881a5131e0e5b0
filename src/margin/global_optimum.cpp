// Θ_λ by column generation on the convex measure problem (see global_optimum.hpp).
#include "marginlab/margin/global_optimum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/l1svm.hpp"
#include "restricted_fit.hpp"

namespace marginlab::margin {

namespace {

Matrix UnitRows(const Matrix& D) {
  Matrix out(D.rows(), D.cols());
  Index k = 0;
  for (Index r = 0; r < D.rows(); ++r) {
    const double nr = D.row(r).norm();
    if (nr > 0 && std::isfinite(nr)) out.row(k++) = D.row(r) / nr;
  }
  out.conservativeResize(k, Eigen::NoChange);
  return out;
}

Matrix SupportRows(const Matrix& D, const Vector& a) {
  Matrix S(D.rows(), D.cols());
  Index k = 0;
  for (Index j = 0; j < a.size(); ++j)
    if (a[j] != 0) S.row(k++) = D.row(j);
  S.conservativeResize(k, Eigen::NoChange);
  return S;
}

}  // namespace

GlobalOptimumResult GlobalOptimum(const Matrix& X, const Vector& y, const CertifyOptions& opts,
                                  const Matrix& initial) {
  ValidateOrThrow(opts, "global optimum");
  const MarginLoss L(opts.loss);
  CheckCertifyData(X, y, L, "global optimum");
  const Index n = X.rows(), d = X.cols();
  ML_REQUIRE(initial.size() == 0 || initial.cols() == d)
      << "global optimum: initial directions have " << initial.cols() << " coordinates, the data " << d;
  const double mu = 2 * opts.lambda;
  Matrix D = UnitRows(initial.size() > 0 ? initial : KnownDirections(X, opts.initial_inputs));
  ML_REQUIRE(D.rows() >= 1) << "global optimum: no nonzero initial direction";
  // Features Φ (n×K) grow by ≤ columns_per_round a round.
  using U = std::uint64_t;  // max_rounds × columns_per_round may exceed a long
  RequireMemory(SaturatingMul(SaturatingMul(static_cast<U>(n),
                                            SaturatingAdd(static_cast<U>(D.rows()),
                                                          SaturatingMul(static_cast<U>(opts.max_rounds),
                                                                        static_cast<U>(opts.columns_per_round)))),
                              sizeof(double)),
                "the global optimum's features (n = " + std::to_string(n) + ")");
  OracleOptions oracle = opts.oracle;
  oracle.candidates = std::max(oracle.candidates, opts.columns_per_round);
  GlobalOptimumResult res;
  res.lower = -std::numeric_limits<double>::infinity();
  res.upper = std::numeric_limits<double>::infinity();
  res.certified = true;
  res.termination = Termination::kMaxIterations;
  Matrix Phi = (X * D.transpose()).cwiseMax(0.0);
  Vector a = Vector::Zero(D.rows());
  Stopwatch sw;
  int stalled = 0;  // rounds without a lower primal value
  double fit_seconds = 0, oracle_seconds = 0;
  for (long round = 0; round < opts.max_rounds; ++round) {
    CheckInterrupt();
    res.rounds = round + 1;
    Stopwatch t;
    Vector f;
    detail::FitRestricted(L, Phi, y, mu, opts.cd_sweeps, &a, &f);
    fit_seconds += t.Seconds();
    const double primal = MeanLoss(L, f, y) + mu * a.lpNorm<1>();
    t.Restart();
    const Matrix support = SupportRows(D, a);
    const Vector beta = LossGradient(L, f, y);
    const OracleResult o = BestNeuron(X, beta, oracle, support);
    res.oracle_evaluations += o.evaluations;
    oracle_seconds += t.Seconds();
    // The dual value at β (the oracle's atoms: the support, whose values o already covers).
    const double fa = support.rows() > 0
                          ? ((X * support.transpose()).cwiseMax(0.0).transpose() * beta).cwiseAbs().maxCoeff()
                          : 0.0;
    const bool bounded = o.Bounded();
    const double Mbar = bounded ? o.upper : std::max(o.value, fa);
    const double dual = DualValue(L, (Mbar > mu ? mu / Mbar : 1.0) * beta, y);
    res.oracle_mode = ToString(o.mode);
    if (!bounded) res.certified = false;
    stalled = primal < res.upper - 1e-15 * std::abs(res.upper) ? 0 : stalled + 1;
    if (primal < res.upper) {
      res.upper = primal;
      res.directions = D;
      res.weights = a;
    }
    // Certified: the best bound over rounds. Heuristic: the latest estimate (≤ this
    // round's primal by Fenchel–Young, the support having seeded the oracle).
    res.lower = res.certified ? std::max(res.lower, dual) : dual;
    const double slack = 1e-9 * std::max(1.0, std::abs(res.upper));
    ML_CHECK(res.lower <= res.upper + slack)
        << "global optimum: dual value " << res.lower << " above the primal " << res.upper;
    res.lower = std::min(res.lower, res.upper);  // within rounding of each other: a bracket, never inverted
    if (opts.observer && !opts.observer(BracketRecord{round + 1, res.lower, res.upper, res.certified, D.rows(),
                                                      sw.Seconds()})) {
      res.termination = Termination::kStopped;
      res.message = "stopped by the observer after round " + std::to_string(round + 1);
      break;
    }
    if (res.upper - res.lower <= opts.tolerance * std::max(1.0, std::abs(res.upper))) {
      res.termination = Termination::kConverged;
      break;
    }
    if (stalled >= 10) {
      res.termination = Termination::kStalled;
      res.message = "the primal value did not decrease in 10 rounds (columns added at rounding level)";
      break;
    }
    // Price: the candidates with |F_β(ū)| > μ join the columns.
    Matrix U(0, d);
    for (Index k = 0; k < o.candidates.rows() && U.rows() < opts.columns_per_round; ++k)
      if (o.candidate_values[k] > mu + detail::KktSlack(mu)) {
        U.conservativeResize(U.rows() + 1, Eigen::NoChange);
        U.row(U.rows() - 1) = o.candidates.row(k);
      }
    if (U.rows() == 0) {
      res.termination = Termination::kConverged;
      res.message = bounded ? "no column prices out (M(β) ≤ 2λ)"
                            : "the heuristic oracle found no column that prices out";
      break;
    }
    const Index K = D.rows(), k = U.rows();
    D.conservativeResize(K + k, Eigen::NoChange);
    D.bottomRows(k) = U;
    Phi.conservativeResize(Eigen::NoChange, K + k);
    Phi.rightCols(k) = (X * U.transpose()).cwiseMax(0.0);
    a.conservativeResize(K + k);
    a.tail(k).setZero();
  }
  res.network = BalancedNetwork(res.directions, res.weights);
  res.AddTiming("restricted", fit_seconds);
  res.AddTiming("oracle", oracle_seconds);
  res.AddTiming("other", std::max(0.0, sw.Seconds() - fit_seconds - oracle_seconds));  // phases sum to the wall time
  return res;
}

}  // namespace marginlab::margin
