// FitKernelPredictors: ridge against a direct solve, the hard-margin SVM's normalized margin,
// Falkon against ridge, classes, and the errors a user can make.
#include "marginlab/kernel/kernel_fit.hpp"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>

#include "marginlab/core/error.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/kernel/gram.hpp"

namespace marginlab::kernel {
namespace {

TEST(KernelFit, RidgeMatchesADirectSolveOnTrainAndTest) {
  const Dataset train = LoadData("wei-d:d=6,n=60,seed=3,task=regression");
  const Dataset test = LoadData("wei-d:d=6,n=40,seed=3,sample=1,task=regression");
  KernelFitOptions o;
  o.lambdas = {0.05, 1.0};
  const KernelFitSummary s = FitKernelPredictors(o, train, &test);
  ASSERT_EQ(s.fits.size(), 2u);
  const Matrix K = Gram(o.kernel, train.X);
  for (std::size_t t = 0; t < 2; ++t) {
    const double lam = o.lambdas[t];
    const Vector beta = (K + lam * Matrix::Identity(K.rows(), K.cols())).ldlt().solve(train.y);
    const Vector ft = CrossGram(o.kernel, test.X, train.X) * beta;
    const KernelFit& f = s.fits[t];
    EXPECT_EQ(f.lambda, lam);
    EXPECT_LE((f.B.col(0) - beta).norm(), 1e-8 * beta.norm());
    EXPECT_NEAR(f.test.mse, (ft - test.y).squaredNorm() / 40, 1e-8);
    EXPECT_NEAR(f.rkhs_norm[0], std::sqrt(beta.dot(K * beta)), 1e-8);
    EXPECT_TRUE(std::isnan(f.train.error) && std::isnan(f.rkhs_normalized_margin));  // real labels
    EXPECT_LE((s.test_scores.col(static_cast<Index>(t)) - ft).norm(), 1e-8 * ft.norm());
  }
}

TEST(KernelFit, HardMarginSvmHasUnitFunctionalMarginAndFalkonApproachesRidge) {
  const Dataset train = LoadData("wei-d:d=8,n=50,seed=1");
  KernelFitOptions svm;
  svm.predictor = "svm";
  const KernelFit f = FitKernelPredictors(svm, train, nullptr).fits.at(0);
  EXPECT_EQ(f.train.error, 0.0);
  EXPECT_NEAR(f.rkhs_normalized_margin, 1.0 / f.rkhs_norm[0], 1e-5);  // min_i y_i f(x_i) = 1
  KernelFitOptions ridge, falkon;
  ridge.lambdas = falkon.lambdas = {0.1};
  falkon.predictor = "falkon";
  falkon.falkon.centers = 50;  // every example a center: Falkon solves the ridge system itself
  falkon.falkon.tol = 1e-12;
  const KernelFit r = FitKernelPredictors(ridge, train, nullptr).fits.at(0);
  const KernelFit c = FitKernelPredictors(falkon, train, nullptr).fits.at(0);
  EXPECT_LE((r.B - c.B).norm(), 1e-6 * r.B.norm());
  EXPECT_EQ(c.falkon.size(), 1u);
}

TEST(KernelFit, ClassesGetOneColumnEachAndTheMulticlassMargin) {
  Dataset ds = LoadData("teacher:d=5,n=30,seed=2");  // distinct inputs: K is positive definite
  ds.kind = LabelKind::kClass;  // three classes from the sign and size of the first feature
  ds.num_classes = 3;
  for (Index i = 0; i < ds.n(); ++i) ds.y[i] = ds.X(i, 0) < -0.3 ? 0 : (ds.X(i, 0) < 0.3 ? 1 : 2);
  KernelFitOptions o;
  o.lambdas = {1e-9};
  const KernelFitSummary s = FitKernelPredictors(o, ds, nullptr);
  EXPECT_EQ(s.outputs, 3);
  EXPECT_EQ(s.fits[0].rkhs_norm.size(), 3u);
  EXPECT_EQ(s.fits[0].train.error, 0.0);  // (almost) interpolates the one-hot targets
  EXPECT_GT(s.fits[0].rkhs_normalized_margin, 0.0);
}

TEST(KernelFit, BadInputIsAnInputError) {
  const Dataset real = LoadData("wei-d:d=6,n=20,task=regression");
  const Dataset other = LoadData("wei-d:d=7,n=20");
  KernelFitOptions o;
  o.predictor = "svm";
  EXPECT_THROW(FitKernelPredictors(o, real, nullptr), InputError);  // svm needs ±1 or class labels
  o.predictor = "lasso";
  EXPECT_THROW(FitKernelPredictors(o, other, nullptr), InputError);
  o.predictor = "ridge";
  EXPECT_THROW(FitKernelPredictors(o, real, &other), InputError);  // dimensions differ
}

}  // namespace
}  // namespace marginlab::kernel
