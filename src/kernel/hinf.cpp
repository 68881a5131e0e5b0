// Ji §3.1 H∞ and λ₀ (hinf.hpp).
#include "marginlab/kernel/hinf.hpp"

#include <Eigen/Eigenvalues>

#include "marginlab/core/error.hpp"
#include "marginlab/kernel/gram.hpp"

namespace marginlab::kernel {

Matrix HInfinity(const Matrix& X) {
  KernelOptions o;
  o.kernel = "hinf";
  return Gram(o, X);
}

double LambdaZero(const Matrix& X) {
  Eigen::SelfAdjointEigenSolver<Matrix> es(HInfinity(X), Eigen::EigenvaluesOnly);
  ML_CHECK(es.info() == Eigen::Success) << "eigensolver failed";
  return es.eigenvalues().minCoeff();
}

}  // namespace marginlab::kernel
