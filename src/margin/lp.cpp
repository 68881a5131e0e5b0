// LP problem helpers and the COIN-OR Clp backend (dual simplex).
#include "marginlab/margin/lp.hpp"

#include <cmath>
#include <sstream>
#include <vector>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/features.hpp"

#if MARGINLAB_HAVE_CLP
#include <coin/ClpSimplex.hpp>
#endif

namespace marginlab::margin {

LpProblem LpProblem::Make(Index rows, Index cols) {
  LpProblem lp;
  lp.A = Matrix::Zero(rows, cols);
  lp.c = Vector::Zero(cols);
  lp.col_lower = Vector::Zero(cols);
  lp.col_upper = Vector::Constant(cols, kLpInf);
  lp.row_lower = Vector::Constant(rows, -kLpInf);
  lp.row_upper = Vector::Constant(rows, kLpInf);
  return lp;
}

std::string LpProblem::Validate() const {
  std::ostringstream out;
  const Index m = A.rows(), n = A.cols();
  if (c.size() != n || col_lower.size() != n || col_upper.size() != n)
    out << "c / column bounds must have " << n << " entries";
  else if (row_lower.size() != m || row_upper.size() != m)
    out << "row bounds must have " << m << " entries";
  else if (!A.allFinite() || !c.allFinite())
    out << "A and c must be finite";
  else {
    for (Index j = 0; j < n; ++j)
      if (!(col_lower[j] <= col_upper[j])) {
        out << "column " << j << ": lower bound exceeds upper bound";
        break;
      }
    for (Index r = 0; r < m && out.str().empty(); ++r)
      if (!(row_lower[r] <= row_upper[r])) out << "row " << r << ": lower bound exceeds upper bound";
  }
  return out.str();
}

const char* ToString(LpStatus s) {
  switch (s) {
    case LpStatus::kOptimal: return "optimal";
    case LpStatus::kInfeasible: return "infeasible";
    case LpStatus::kUnbounded: return "unbounded";
    case LpStatus::kIterationLimit: return "iteration-limit";
    case LpStatus::kFailed: return "failed";
  }
  return "?";
}

namespace {

std::string CheckColumns(Index rows, const Matrix& A, const Vector& c, const Vector& lower,
                         const Vector& upper) {
  const Index k = A.cols();
  if (A.rows() != rows) return "new columns have " + std::to_string(A.rows()) + " rows, the model " + std::to_string(rows);
  if (c.size() != k || lower.size() != k || upper.size() != k) return "new columns: costs and bounds must have one entry per column";
  if (!A.allFinite() || !c.allFinite()) return "new columns must be finite";
  for (Index j = 0; j < k; ++j)
    if (!(lower[j] <= upper[j])) return "new column " + std::to_string(j) + ": lower bound exceeds upper bound";
  return "";
}

// The default model: the whole problem, solved afresh.
class ColdModel final : public LpModel {
 public:
  ColdModel(LpBackend& backend, LpProblem lp) : backend_(backend), lp_(std::move(lp)) {}
  void AddColumns(const Matrix& A, const Vector& c, const Vector& lower, const Vector& upper) override {
    const std::string problem = CheckColumns(lp_.rows(), A, c, lower, upper);
    ML_CHECK(problem.empty()) << problem;
    const Index k0 = lp_.cols(), k = A.cols();
    lp_.A.conservativeResize(Eigen::NoChange, k0 + k);
    lp_.A.rightCols(k) = A;
    lp_.c.conservativeResize(k0 + k);
    lp_.c.tail(k) = c;
    lp_.col_lower.conservativeResize(k0 + k);
    lp_.col_lower.tail(k) = lower;
    lp_.col_upper.conservativeResize(k0 + k);
    lp_.col_upper.tail(k) = upper;
  }
  LpSolution Solve() override { return backend_.Solve(lp_); }
  Index rows() const override { return lp_.rows(); }
  Index cols() const override { return lp_.cols(); }

 private:
  LpBackend& backend_;
  LpProblem lp_;
};

}  // namespace

std::unique_ptr<LpModel> LpBackend::Start(const LpProblem& lp) {
  const std::string problem = lp.Validate();
  ML_CHECK(problem.empty()) << problem;
  return std::make_unique<ColdModel>(*this, lp);
}

#if MARGINLAB_HAVE_CLP
namespace {

double ClpBound(double v) {
  if (v == kLpInf) return COIN_DBL_MAX;
  if (v == -kLpInf) return -COIN_DBL_MAX;
  return v;
}

// Column-major sparse copy of A's columns (exact zeros skipped).
struct SparseColumns {
  std::vector<CoinBigIndex> start{0};
  std::vector<int> index;
  std::vector<double> value;
  explicit SparseColumns(const Matrix& A) {
    for (Index j = 0; j < A.cols(); ++j) {
      for (Index r = 0; r < A.rows(); ++r)
        if (A(r, j) != 0.0) {
          index.push_back(static_cast<int>(r));
          value.push_back(A(r, j));
        }
      start.push_back(static_cast<CoinBigIndex>(index.size()));
    }
  }
};

std::vector<double> ClpBounds(const Vector& v) {
  std::vector<double> out(static_cast<size_t>(v.size()));
  for (Index k = 0; k < v.size(); ++k) out[static_cast<size_t>(k)] = ClpBound(v[k]);
  return out;
}

// A Clp model kept between solves. The first solve is the primal simplex from
// the slack basis: Clp's dual simplex may declare the slack basis optimal when a
// free column sits nonbasic at 0 (seen on the l1-SVM LP, whose margin variable t
// is free). Later solves restart the primal simplex from the last basis (new
// columns enter nonbasic at a bound, so it stays primal feasible).
class ClpModel final : public LpModel {
 public:
  explicit ClpModel(const LpProblem& lp) : c_(lp.c) {
    const std::string problem = lp.Validate();
    ML_CHECK(problem.empty()) << problem;
    const SparseColumns A(lp.A);
    const auto cl = ClpBounds(lp.col_lower), cu = ClpBounds(lp.col_upper);
    const auto rl = ClpBounds(lp.row_lower), ru = ClpBounds(lp.row_upper);
    model_.setLogLevel(0);
    model_.loadProblem(static_cast<int>(lp.cols()), static_cast<int>(lp.rows()), A.start.data(),
                       A.index.empty() ? nullptr : A.index.data(),
                       A.value.empty() ? nullptr : A.value.data(), cl.data(), cu.data(), lp.c.data(),
                       rl.data(), ru.data());
    model_.setOptimizationDirection(lp.maximize ? -1.0 : 1.0);
    model_.setPrimalTolerance(1e-10);
    model_.setDualTolerance(1e-10);
    // Measured on the l1-SVM of wei-d (d = 16, n = 200), a degenerate LP: without
    // perturbation the warm-started primal takes ~3000 pivots a round instead of
    // ~100; with Clp's scaling the duals of a re-solve are off by more than 1e-9,
    // so a column priced out by them enters with no pivot, round after round.
    model_.scaling(0);
    model_.setPerturbation(50);
  }
  void AddColumns(const Matrix& A, const Vector& c, const Vector& lower, const Vector& upper) override {
    const std::string problem = CheckColumns(rows(), A, c, lower, upper);
    ML_CHECK(problem.empty()) << problem;
    const SparseColumns S(A);
    const auto cl = ClpBounds(lower), cu = ClpBounds(upper);
    model_.addColumns(static_cast<int>(A.cols()), cl.data(), cu.data(), c.data(), S.start.data(),
                      S.index.empty() ? nullptr : S.index.data(),
                      S.value.empty() ? nullptr : S.value.data());
    c_.conservativeResize(c_.size() + c.size());
    c_.tail(c.size()) = c;
  }
  LpSolution Solve() override {
    model_.primal();
    if (model_.status() == 0 && !solved_) model_.primal(1);  // re-solve once: a check of optimality
    solved_ = true;
    const int m = model_.numberRows(), n = model_.numberColumns();
    LpSolution sol;
    sol.iterations = model_.numberIterations();
    switch (model_.status()) {
      case 0: sol.status = LpStatus::kOptimal; break;
      case 1: sol.status = LpStatus::kInfeasible; break;
      case 2: sol.status = LpStatus::kUnbounded; break;
      case 3: sol.status = LpStatus::kIterationLimit; break;
      default: sol.status = LpStatus::kFailed; break;
    }
    sol.x = Eigen::Map<const Vector>(model_.getColSolution(), n);
    sol.y = m > 0 ? Vector(Eigen::Map<const Vector>(model_.getRowPrice(), m)) : Vector();
    sol.reduced_cost = Eigen::Map<const Vector>(model_.getReducedCost(), n);
    sol.objective = c_.dot(sol.x);
    return sol;
  }
  Index rows() const override { return model_.getNumRows(); }
  Index cols() const override { return model_.getNumCols(); }

 private:
  ClpSimplex model_;
  Vector c_;
  bool solved_ = false;
};

class ClpBackend final : public LpBackend {
 public:
  std::string Name() const override { return "clp"; }
  LpSolution Solve(const LpProblem& lp) override { return ClpModel(lp).Solve(); }
  std::unique_ptr<LpModel> Start(const LpProblem& lp) override { return std::make_unique<ClpModel>(lp); }
};

}  // namespace
#endif

std::unique_ptr<LpBackend> MakeLpBackend(const std::string& name) {
  if (name == "clp") {
    RequireFeature("clp");
#if MARGINLAB_HAVE_CLP
    return std::make_unique<ClpBackend>();
#endif
  }
  throw InputError("LP backend: expected 'clp', got '" + name + "'");
}

}  // namespace marginlab::margin
