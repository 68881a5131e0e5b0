// The l1-SVM over ReLU features: dictionary LP, column generation, extraction
// (Wei et al. eq. B.14, Prop. B.10; see the header).
#include "marginlab/core/memory.hpp"
#include "marginlab/margin/l1svm.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "marginlab/core/error.hpp"
#include "marginlab/margin/linear_svm.hpp"

namespace marginlab::margin {

std::string L1SvmOptions::Validate() const {
  if (max_rounds < 1) return "max_rounds must be ≥ 1";
  if (!(tolerance >= 0)) return "tolerance must be ≥ 0";
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
  Matrix out(0, d);
  for (Index k = 0; k < D.rows(); ++k) {
    const double nk = D.row(k).norm();
    if (nk == 0) continue;
    out.conservativeResize(out.rows() + 1, d);
    out.row(out.rows() - 1) = D.row(k) / nk;
  }
  return out;
}

// Solves the LP (a) on the unit directions D; fills gamma_lo, weights, q.
void SolveDictionary(const Matrix& Z, const Vector& y, const Matrix& X, const Matrix& D,
                     LpBackend& backend, L1SvmResult* res) {
  (void)Z;
  const Index n = X.rows(), K = D.rows();
  Matrix Phi = (X * D.transpose()).cwiseMax(0.0);  // n×K features relu(ū_j·x_i)
  // Directions from the oracle often lie on a boundary u·x_i = 0, where the
  // feature is rounding noise (~1e-17); such entries upset the simplex's
  // factorization, so features below 1e-13·max‖x‖ are set to exactly 0.
  const double cut = 1e-13 * std::sqrt(X.rowwise().squaredNorm().maxCoeff());
  Phi = Phi.unaryExpr([cut](double v) { return v < cut ? 0.0 : v; });
  // Columns: a⁺ (K), a⁻ (K), t (1). Rows: n margin rows, 1 norm row.
  LpProblem lp = LpProblem::Make(n + 1, 2 * K + 1);
  lp.maximize = true;
  const Matrix YPhi = y.asDiagonal() * Phi;
  lp.A.block(0, 0, n, K) = YPhi;
  lp.A.block(0, K, n, K) = -YPhi;
  lp.A.block(0, 2 * K, n, 1).setConstant(-1.0);
  lp.A.block(n, 0, 1, 2 * K).setOnes();
  lp.row_lower.head(n).setZero();
  lp.row_upper[n] = 1;
  lp.c[2 * K] = 1;
  lp.col_lower[2 * K] = -kLpInf;
  const LpSolution sol = backend.Solve(lp);
  ML_CHECK(sol.status == LpStatus::kOptimal) << "l1-SVM LP: " << ToString(sol.status);
  res->directions = D;
  res->weights = sol.x.head(K) - sol.x.segment(K, K);
  // The attained margin of the weights (the primal value, recomputed).
  res->gamma_lo = (YPhi * res->weights).minCoeff();
  Vector q = sol.y.head(n).cwiseAbs();
  const double s = q.sum();
  res->q = s > 0 ? Vector(q / s) : Vector(Vector::Constant(n, 1.0 / static_cast<double>(n)));
}

}  // namespace

L1SvmResult L1SvmDictionary(const Matrix& X, const Vector& y, const Matrix& D, LpBackend& backend) {
  const Matrix Z = SignedRows(X, y, "l1-SVM");
  const Matrix Du = NormalizedRows(D, X.cols());
  ML_REQUIRE(Du.rows() >= 1) << "l1-SVM: the dictionary has no nonzero direction";
  L1SvmResult res;
  Stopwatch sw;
  SolveDictionary(Z, y, X, Du, backend, &res);
  res.gamma_hi = std::numeric_limits<double>::infinity();
  res.termination = Termination::kConverged;
  res.message = "LP over a fixed dictionary of " + std::to_string(Du.rows()) + " directions";
  res.AddTiming("lp", sw.Seconds());
  return res;
}

L1SvmResult L1SvmColumnGeneration(const Matrix& X, const Vector& y, LpBackend& backend,
                                  const L1SvmOptions& opts, const Matrix& initial) {
  ValidateOrThrow(opts, "l1-SVM column generation");
  const Matrix Z = SignedRows(X, y, "l1-SVM");
  const Index n = X.rows(), d = X.cols();
  Matrix D;
  if (initial.size() > 0) {
    D = NormalizedRows(initial, d);
  } else {
    D.resize(0, d);
    for (Index i = 0; i < n; ++i) {
      const double xn = X.row(i).norm();
      if (xn == 0) continue;
      D.conservativeResize(D.rows() + 2, d);
      D.row(D.rows() - 2) = X.row(i) / xn;
      D.row(D.rows() - 1) = -X.row(i) / xn;
    }
  }
  ML_REQUIRE(D.rows() >= 1) << "l1-SVM: every input is zero";
  const double scale = std::sqrt(X.rowwise().squaredNorm().maxCoeff());
  L1SvmResult res;
  res.gamma_hi = std::numeric_limits<double>::infinity();
  res.certified = true;
  res.termination = Termination::kMaxIterations;
  double lp_seconds = 0, oracle_seconds = 0;
  for (long round = 0; round < opts.max_rounds; ++round) {
    Stopwatch t;
    SolveDictionary(Z, y, X, D, backend, &res);
    lp_seconds += t.Seconds();
    t.Restart();
    const OracleResult o = BestNeuron(X, res.q.cwiseProduct(y), opts.oracle);
    oracle_seconds += t.Seconds();
    res.oracle_mode = o.mode;
    const double hi = o.certified || o.mode == "bound" ? o.upper : o.value;
    if (!(o.certified || o.mode == "bound")) res.certified = false;
    res.gamma_hi = std::min(res.gamma_hi, hi);
    res.trace.push_back({D.rows(), res.gamma_lo, res.gamma_hi, o.value});
    if (res.gamma_hi - res.gamma_lo <= opts.tolerance * scale) {
      res.termination = Termination::kConverged;
      break;
    }
    if (o.mode == "bound" && res.gamma_hi - res.gamma_lo <= 2 * (o.upper - o.value)) {
      // The bracket is as narrow as the branch-and-bound's own resolution.
      res.termination = Termination::kConverged;
      res.message = "bracket at the branch-and-bound oracle's tolerance";
      break;
    }
    const size_t T = res.trace.size();
    if (o.mode == "heuristic" && T > 25 &&
        res.gamma_lo - res.trace[T - 26].gamma_lo <= 1e-9 * scale) {
      res.termination = Termination::kConverged;
      res.message = "γ_lo stalled over 25 rounds (heuristic oracle)";
      break;
    }
    if (o.value <= res.gamma_lo) {  // no improving column exists / can be found
      res.termination = Termination::kConverged;
      res.message = "the oracle found no column above γ_lo";
      break;
    }
    D.conservativeResize(D.rows() + 1, d);
    D.row(D.rows() - 1) = o.u.transpose();
  }
  res.AddTiming("lp", lp_seconds);
  res.AddTiming("oracle", oracle_seconds);
  if (res.gamma_hi < res.gamma_lo) res.gamma_hi = res.gamma_lo;  // rounding
  return res;
}

TwoLayerNet ExtractNetwork(const L1SvmResult& r) { return BalancedNetwork(r.directions, r.weights); }

}  // namespace marginlab::margin
