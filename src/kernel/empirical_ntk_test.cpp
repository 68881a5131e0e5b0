// Empirical NTK: exact gradients against finite differences; closed forms against Monte-Carlo
// averages of wide finite networks (within 4 standard errors).
#include "marginlab/kernel/empirical_ntk.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/kernel/gram.hpp"

namespace marginlab::kernel {
namespace {

// Parameter gradient of the MLP at x by central differences.
Vector FiniteDifferenceGradient(std::vector<Matrix> W, const std::vector<double>& c, const Matrix& x) {
  std::vector<double> g;
  const double h = 1e-6;
  for (auto& Wk : W)
    for (Index i = 0; i < Wk.size(); ++i) {
      const double keep = Wk.data()[i];
      Wk.data()[i] = keep + h;
      const double fp = MlpForward(W, c, x)[0];
      Wk.data()[i] = keep - h;
      const double fm = MlpForward(W, c, x)[0];
      Wk.data()[i] = keep;
      g.push_back((fp - fm) / (2 * h));
    }
  return Eigen::Map<Vector>(g.data(), static_cast<Index>(g.size()));
}

TEST(EmpiricalNtk, MlpMatchesFiniteDifferences) {
  Rng rng(1);
  const std::vector<Matrix> W = {rng.NormalMatrix(7, 3), rng.NormalMatrix(5, 7), rng.NormalMatrix(1, 5)};
  const std::vector<double> c = {0.5, 0.4, 0.3};
  const Matrix X = rng.NormalMatrix(4, 3);
  const Matrix T = EmpiricalNtkMlp(W, c, X, X);
  std::vector<Vector> grads;
  for (Index i = 0; i < 4; ++i) grads.push_back(FiniteDifferenceGradient(W, c, X.row(i)));
  for (Index i = 0; i < 4; ++i)
    for (Index j = 0; j < 4; ++j) EXPECT_NEAR(T(i, j), grads[i].dot(grads[j]), 1e-6 * (1 + std::fabs(T(i, j))));
}

TEST(EmpiricalNtk, TwoLayerEqualsDepthTwoMlp) {
  Rng rng(2);
  const Matrix U = rng.NormalMatrix(9, 4), X = rng.NormalMatrix(5, 4), Y = rng.NormalMatrix(3, 4);
  const Vector w = rng.NormalMatrix(9, 1);
  const double s = 1 / 3.0;
  const Matrix T2 = EmpiricalNtkTwoLayer(U, w, s, X, Y);
  const Matrix Tm = EmpiricalNtkMlp({U, Matrix(w.transpose())}, {1.0, s}, X, Y);
  EXPECT_LT((T2 - Tm).cwiseAbs().maxCoeff(), 1e-12 * Tm.cwiseAbs().maxCoeff());
}

// Points with varied norms and angles, including a repeated and a negated one.
Matrix Points(Index d) {
  Rng rng(3);
  Matrix X = rng.NormalMatrix(6, d);
  X.row(4) = -0.5 * X.row(0);
  X.row(5) = X.row(1) * 2.0;
  return X;
}

void ExpectWithinFourSe(const Matrix& closed, const Matrix& mean, const Matrix& se, const std::string& what) {
  for (Index i = 0; i < closed.rows(); ++i)
    for (Index j = 0; j < closed.cols(); ++j)
      EXPECT_LE(std::fabs(mean(i, j) - closed(i, j)), 4 * se(i, j) + 1e-12)
          << what << " (" << i << "," << j << "): closed " << closed(i, j) << ", MC " << mean(i, j)
          << " ± " << se(i, j);
}

TEST(MonteCarlo, TwoLayerNtkMatchesWeiClosedForm) {
  const Matrix X = Points(5);
  MonteCarloNtkOptions o;
  o.width = 3000;
  o.samples = 32;  // enough samples that the standard error itself is well estimated
  o.rw = 0.7;
  o.ru = 1.3;
  const MonteCarloNtk mc = MonteCarloEmpiricalNtk(o, X, X);
  KernelOptions k;
  k.rw = o.rw;
  k.ru = o.ru;
  ExpectWithinFourSe(GramReference(k, X, X), mc.ntk_mean, mc.ntk_stderr, "ntk");
  // The output covariance of the 1/√m net is the r_w²·relu kernel: E[w²] E[relu relu].
  KernelOptions relu;
  relu.kernel = "relu";
  relu.ru = o.ru;
  ExpectWithinFourSe(o.rw * o.rw * GramReference(relu, X, X), mc.nngp_mean, mc.nngp_stderr, "nngp");
}

TEST(MonteCarlo, DeepMlpMatchesNeuralTangentsRecursion) {
  const Matrix X = Points(4);
  for (const char* param : {"ntk", "standard"}) {
    MonteCarloNtkOptions o;
    o.net = "mlp";
    o.depth = 3;
    o.width = 1500;
    o.samples = 24;
    o.w_std = 1.3;
    o.parameterization = param;
    o.seed = 5;
    const MonteCarloNtk mc = MonteCarloEmpiricalNtk(o, X, X);
    KernelOptions k;
    k.kernel = "deep-ntk";
    k.depth = 3;
    k.w_std = 1.3;
    k.parameterization = param;
    k.width = 1500;
    ExpectWithinFourSe(GramReference(k, X, X), mc.ntk_mean, mc.ntk_stderr, std::string("deep-ntk ") + param);
    k.kernel = "deep-nngp";
    ExpectWithinFourSe(GramReference(k, X, X), mc.nngp_mean, mc.nngp_stderr, std::string("deep-nngp ") + param);
  }
}

TEST(MonteCarlo, IndependentOfThreadCountAndDeterministic) {
  const Matrix X = Points(3);
  MonteCarloNtkOptions o;
  o.width = 50;
  o.samples = 5;
  SetNumThreads(1);
  const MonteCarloNtk a = MonteCarloEmpiricalNtk(o, X, X);
  SetNumThreads(2);
  const MonteCarloNtk b = MonteCarloEmpiricalNtk(o, X, X);
  SetNumThreads(1);
  EXPECT_TRUE(a.ntk_mean == b.ntk_mean);
  EXPECT_TRUE(a.nngp_stderr == b.nngp_stderr);
}

}  // namespace
}  // namespace marginlab::kernel
