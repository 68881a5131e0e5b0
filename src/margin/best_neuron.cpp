// The best-neuron oracle: shared helpers and the method dispatch (see the header).
#include "marginlab/margin/best_neuron.hpp"

#include <algorithm>
#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab::margin {

const std::vector<std::string>& OracleMethods() {
  static const std::vector<std::string> kMethods = {"auto", "exact", "bnb", "ascent"};
  return kMethods;
}

bool IsOracleMethod(const std::string& name) { return IsChoice(OracleMethods(), name); }

OracleMethod ParseOracleMethod(const std::string& name, const std::string& what) {
  if (name == "auto") return OracleMethod::kAuto;
  if (name == "exact") return OracleMethod::kExact;
  if (name == "bnb") return OracleMethod::kBranchBound;
  if (name == "ascent") return OracleMethod::kAscent;
  throw InputError(what + ": expected " + JoinWords(OracleMethods()) + ", got '" + name + "'");
}

const char* ToString(OracleMode mode) {
  switch (mode) {
    case OracleMode::kExact: return "exact";
    case OracleMode::kBound: return "bound";
    case OracleMode::kHeuristic: return "heuristic";
  }
  return "heuristic";
}

std::string OracleOptions::Validate() const {
  // The option is called oracle wherever a user sets it (CLI --oracle, Python oracle=, TOML oracle).
  if (!IsOracleMethod(method)) return "oracle must be " + JoinWords(OracleMethods()) + " (got '" + method + "')";
  if (bnb_max_dim < 0) return "bnb_max_dim must be ≥ 0";
  if (bnb_max_nodes < 1) return "bnb_max_nodes must be ≥ 1";
  if (!(tolerance >= 0)) return "tolerance must be ≥ 0";
  if (ascent_starts < 0 || data_starts < 0) return "ascent_starts and data_starts must be ≥ 0";
  if (ascent_iterations < 1) return "ascent_iterations must be ≥ 1";
  if (candidates < 1) return "candidates must be ≥ 1";
  return "";
}

double NeuronValue(const Matrix& X, const Vector& alpha, const Vector& u) {
  const Vector z = X * u;
  double s = 0;
  for (Index i = 0; i < z.size(); ++i)
    if (z[i] > 0) s += alpha[i] * z[i];
  return s;
}

Matrix RowSpaceBasis(const Matrix& X) {
  if (X.rows() == 0) return Matrix::Zero(X.cols(), 0);
  Eigen::JacobiSVD<Matrix> svd(X, Eigen::ComputeFullV);
  const auto& s = svd.singularValues();
  if (s.size() == 0 || s[0] == 0) return Matrix::Zero(X.cols(), 0);
  Index r = 0;
  while (r < s.size() && s[r] > 1e-12 * s[0]) ++r;
  return svd.matrixV().leftCols(r);
}

OracleResult BestNeuron(const Matrix& X, const Vector& alpha, const OracleOptions& opts,
                        const Matrix& seeds) {
  ValidateOrThrow(opts, "best-neuron oracle");
  ML_REQUIRE(alpha.size() == X.rows()) << "best-neuron oracle: α has " << alpha.size()
                                       << " entries, X has " << X.rows() << " rows";
  OracleMethod method = ParseOracleMethod(opts.method, "oracle");
  if (method == OracleMethod::kAuto) {
    const Index r = RowSpaceBasis(X).cols();
    method = r <= 3 ? OracleMethod::kExact : (r <= opts.bnb_max_dim ? OracleMethod::kBranchBound : OracleMethod::kAscent);
  }
  switch (method) {
    case OracleMethod::kExact: return BestNeuronExact(X, alpha);
    case OracleMethod::kBranchBound: return BestNeuronBranchBound(X, alpha, opts, seeds);
    case OracleMethod::kAscent:
    case OracleMethod::kAuto: break;
  }
  return BestNeuronAscent(X, alpha, opts, seeds);
}

}  // namespace marginlab::margin
