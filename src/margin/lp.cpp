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

#if MARGINLAB_HAVE_CLP
namespace {

double ClpBound(double v) {
  if (v == kLpInf) return COIN_DBL_MAX;
  if (v == -kLpInf) return -COIN_DBL_MAX;
  return v;
}

class ClpBackend final : public LpBackend {
 public:
  std::string Name() const override { return "clp"; }

  LpSolution Solve(const LpProblem& lp) override {
    const std::string problem = lp.Validate();
    ML_CHECK(problem.empty()) << problem;
    const int m = static_cast<int>(lp.rows()), n = static_cast<int>(lp.cols());
    // Column-major sparse copy of A (skipping exact zeros).
    std::vector<CoinBigIndex> start(n + 1, 0);
    std::vector<int> index;
    std::vector<double> value;
    for (int j = 0; j < n; ++j) {
      for (int r = 0; r < m; ++r)
        if (lp.A(r, j) != 0.0) {
          index.push_back(r);
          value.push_back(lp.A(r, j));
        }
      start[j + 1] = static_cast<CoinBigIndex>(index.size());
    }
    std::vector<double> cl(n), cu(n), rl(m), ru(m), obj(n);
    for (int j = 0; j < n; ++j) {
      cl[j] = ClpBound(lp.col_lower[j]);
      cu[j] = ClpBound(lp.col_upper[j]);
      obj[j] = lp.c[j];
    }
    for (int r = 0; r < m; ++r) {
      rl[r] = ClpBound(lp.row_lower[r]);
      ru[r] = ClpBound(lp.row_upper[r]);
    }
    ClpSimplex model;
    model.setLogLevel(0);
    model.loadProblem(n, m, start.data(), index.empty() ? nullptr : index.data(),
                      value.empty() ? nullptr : value.data(), cl.data(), cu.data(), obj.data(),
                      rl.data(), ru.data());
    model.setOptimizationDirection(lp.maximize ? -1.0 : 1.0);
    model.setPrimalTolerance(1e-10);
    model.setDualTolerance(1e-10);
    // The primal simplex from the slack basis: Clp's dual simplex may declare
    // the slack basis optimal when a free column sits nonbasic at 0 (seen on
    // the l1-SVM LP, whose margin variable t is free). Re-solve once from the
    // final basis as a check of optimality.
    model.primal();
    if (model.status() == 0) model.primal(1);

    LpSolution sol;
    sol.iterations = model.numberIterations();
    switch (model.status()) {
      case 0: sol.status = LpStatus::kOptimal; break;
      case 1: sol.status = LpStatus::kInfeasible; break;
      case 2: sol.status = LpStatus::kUnbounded; break;
      case 3: sol.status = LpStatus::kIterationLimit; break;
      default: sol.status = LpStatus::kFailed; break;
    }
    sol.x = Eigen::Map<const Vector>(model.getColSolution(), n);
    sol.y = m > 0 ? Vector(Eigen::Map<const Vector>(model.getRowPrice(), m)) : Vector();
    sol.reduced_cost = Eigen::Map<const Vector>(model.getReducedCost(), n);
    sol.objective = lp.c.dot(sol.x);
    return sol;
  }
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
