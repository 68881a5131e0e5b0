// Certified optimality gaps (and estimates) for the l2-regularized two-layer
// objective (see the header).
#include "marginlab/margin/certify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/margin/linear_svm.hpp"

namespace marginlab::margin {

std::string CertifyOptions::Validate() const {
  if (columns_per_round < 1) return "columns_per_round must be ≥ 1";
  if (initial_inputs < 0) return "initial_inputs must be ≥ 0";
  if (!IsChoice(MarginLoss::Names(), loss))
    return "loss must be " + JoinWords(MarginLoss::Names()) + " (got '" + loss + "')";
  if (!(lambda > 0) || !std::isfinite(2 * lambda)) return "lambda must be finite and > 0 (2λ finite)";
  if (max_rounds < 1 || cd_sweeps < 1) return "max_rounds and cd_sweeps must be ≥ 1";
  if (!(tolerance >= 0) || !std::isfinite(tolerance)) return "tolerance must be finite and ≥ 0";
  return oracle.Validate();
}

GapCertificate DualAtOutputs(const MarginLoss& L, const Matrix& X, const Vector& y, const Vector& f,
                             double mu, const OracleOptions& oracle, const Matrix& atoms,
                             long* evaluations) {
  const Vector beta = LossGradient(L, f, y);
  const OracleResult o = BestNeuron(X, beta, oracle, atoms);
  if (evaluations) *evaluations += o.evaluations;
  GapCertificate c;
  c.oracle_mode = ToString(o.mode);
  c.oracle_value = o.value;
  // The atoms' own values: a heuristic that returned less would let the estimate
  // exceed the objective of the measure on them (Fenchel–Young); they count.
  if (atoms.rows() > 0) {
    Matrix A = atoms;
    for (Index j = 0; j < A.rows(); ++j) {
      const double nj = A.row(j).norm();
      A.row(j) = nj > 0 ? Vector(A.row(j) / nj) : Vector::Zero(A.cols());
    }
    const Vector fa = (X * A.transpose()).cwiseMax(0.0).transpose() * beta;
    c.oracle_value = std::max(c.oracle_value, fa.cwiseAbs().maxCoeff());
  }
  c.certified = o.Bounded();
  c.oracle_upper = c.certified ? o.upper : c.oracle_value;
  c.dual_scale = c.oracle_upper > mu ? mu / c.oracle_upper : 1.0;
  c.lower_bound = DualValue(L, c.dual_scale * beta, y);
  return c;
}

void CheckCertifyData(const Matrix& X, const Vector& y, const MarginLoss& L, const char* what) {
  ML_REQUIRE(X.rows() == y.size() && X.rows() >= 1)
      << what << ": X has " << X.rows() << " rows, y has " << y.size();
  ML_REQUIRE(X.allFinite() && y.allFinite()) << what << ": the data contain NaN or Inf";
  if (L.logistic()) (void)SignedRows(X, y, what);
}

GapCertificate CertifyNetwork(const TwoLayerNet& net, const Matrix& X, const Vector& y,
                              const CertifyOptions& opts) {
  ValidateOrThrow(opts, "certify");
  const MarginLoss L(opts.loss);
  CheckCertifyData(X, y, L, "certify");
  ML_REQUIRE(net.output_scale > 0) << "certify: output scale must be > 0";
  ML_REQUIRE(net.U.cols() == X.cols())
      << "certify: the network has input dimension " << net.U.cols() << ", the data have " << X.cols()
      << " features";
  ML_REQUIRE(net.U.allFinite() && net.w.allFinite()) << "certify: the network's weights contain NaN or Inf";
  const Vector f = net.Outputs(X);
  const double mu = 2 * opts.lambda / net.output_scale;
  GapCertificate c = DualAtOutputs(L, X, y, f, mu, opts.oracle, net.U);
  c.data_loss = MeanLoss(L, f, y);
  c.objective = c.data_loss + opts.lambda * net.SquaredNorm();
  c.gap = c.objective - c.lower_bound;
  // Weak duality (certified) and Fenchel–Young with the net's neurons as seeds
  // (estimate): neither may exceed the objective beyond rounding.
  ML_CHECK(c.lower_bound <= c.objective + 1e-9 * std::max(1.0, std::abs(c.objective)))
      << "certify: dual value " << c.lower_bound << " above the objective " << c.objective;
  return c;
}

}  // namespace marginlab::margin
