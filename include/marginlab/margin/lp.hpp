// Linear programs and the LP backend interface.
//
// Problem (column bounds and row ranges, the form COIN-OR Clp takes):
//     minimize    cᵀx
//     subject to  row_lower ≤ A x ≤ row_upper,   col_lower ≤ x ≤ col_upper
// with A (rows × cols, dense here: marginlab's LPs have ≤ a few thousand
// columns), ±kLpInf for a missing bound. Output: the status, the primal x, the
// row duals y (∂ objective / ∂ row bound: for a minimization, y_r ≥ 0 on an
// active lower bound "≥", y_r ≤ 0 on an active upper bound "≤"), the reduced
// costs r = c − Aᵀy, and the objective value.
//
// Column generation keeps a model between solves (LpBackend::Start → LpModel):
// columns are appended and each Solve() restarts from the last optimal basis,
// which stays primal feasible because new columns enter nonbasic at a bound
// (Clp: warm-started primal simplex; the default LpModel re-solves from
// scratch, so every backend supports it).
//
// Backends implement LpBackend::Solve; MakeLpBackend("clp") returns the COIN-OR
// Clp backend (dual simplex), or throws UnavailableError when this build has no
// Clp (-DMARGINLAB_WITH_CLP=ON). Solvers in the margin module take an
// LpBackend& so that backends can be swapped (DESIGN §4).
#pragma once

#include <limits>
#include <memory>
#include <string>

#include "marginlab/core/types.hpp"

namespace marginlab::margin {

inline constexpr double kLpInf = std::numeric_limits<double>::infinity();

struct LpProblem {
  Matrix A;                         // rows × cols
  Vector c;                         // cols
  Vector col_lower, col_upper;      // cols
  Vector row_lower, row_upper;      // rows
  bool maximize = false;            // maximize cᵀx instead

  // A problem with `rows`×`cols` zero matrix, zero objective, x ≥ 0 and free rows.
  static LpProblem Make(Index rows, Index cols);
  Index rows() const { return A.rows(); }
  Index cols() const { return A.cols(); }
  // "" or what is inconsistent (shapes, lower > upper, NaN).
  std::string Validate() const;
};

enum class LpStatus { kOptimal, kInfeasible, kUnbounded, kIterationLimit, kFailed };
const char* ToString(LpStatus s);

struct LpSolution {
  LpStatus status = LpStatus::kFailed;
  double objective = 0;  // cᵀx (in the problem's own sense, max or min)
  Vector x;              // cols
  Vector y;              // rows: duals (see above; for maximize, the signs flip)
  Vector reduced_cost;   // cols
  long iterations = 0;
};

// An LP kept between solves: columns are appended, the rows stay.
class LpModel {
 public:
  virtual ~LpModel() = default;
  // Appends k columns: A (rows × k), costs c, bounds lower ≤ x ≤ upper (k each).
  virtual void AddColumns(const Matrix& A, const Vector& c, const Vector& lower,
                          const Vector& upper) = 0;
  virtual LpSolution Solve() = 0;
  virtual Index rows() const = 0;
  virtual Index cols() const = 0;
};

class LpBackend {
 public:
  virtual ~LpBackend() = default;
  virtual std::string Name() const = 0;
  virtual LpSolution Solve(const LpProblem& lp) = 0;
  // A model of `lp` for column generation. The default keeps the LpProblem and
  // calls Solve on the whole problem each time.
  virtual std::unique_ptr<LpModel> Start(const LpProblem& lp);
};

// "clp". Throws UnavailableError (Clp not built) or InputError (unknown name).
std::unique_ptr<LpBackend> MakeLpBackend(const std::string& name = "clp");

}  // namespace marginlab::margin
