// Model tests: fused kernels against the plain reference, gradients of every
// (depth × loss × scaling × regularizer) combination against central finite
// differences, and positive homogeneity.
#include "marginlab/nn/mlp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "marginlab/nn/train.hpp"
#include "nn/nn_test_util.hpp"

namespace marginlab::nn {
namespace {

using testing::RandomData;

MlpShape Shape(std::vector<Index> dims, Scaling s = Scaling::kStandard, bool frozen = false) {
  MlpShape sh;
  sh.dims = std::move(dims);
  sh.scaling = s;
  sh.freeze_output = frozen;
  return sh;
}

TEST(Mlp, FusedKernelsMatchReference) {
  for (auto dims : std::vector<std::vector<Index>>{{4, 1}, {4, 7, 1}, {4, 7, 3}, {4, 6, 5, 1},
                                                   {4, 6, 5, 3}}) {
    for (Scaling sc : {Scaling::kStandard, Scaling::kNtk, Scaling::kMeanField}) {
      const MlpShape shape = Shape(dims, sc);
      Rng rng(11);
      const Weights<double> W = InitWeights(shape, {1.0}, rng);
      const Matrix X = rng.NormalMatrix(9, 4);
      const Matrix dF = rng.NormalMatrix(9, dims.back());
      MlpWorkspace<double> ws;
      ws.Resize(shape, 9);
      MlpForward(ws, shape, W, X);
      const Matrix Fref = MlpForwardReference(shape, W, X);
      EXPECT_LE((ws.F - Fref).norm(), 1e-13 * (1 + Fref.norm())) << shape.Describe();
      Weights<double> dW;
      for (const auto& w : W) dW.push_back(Matrix::Zero(w.rows(), w.cols()));
      MlpBackward(dW, ws, shape, W, X, dF);
      const Weights<double> ref = MlpBackwardReference(shape, W, X, dF);
      for (std::size_t k = 0; k < W.size(); ++k)
        EXPECT_LE((dW[k] - ref[k]).norm(), 1e-13 * (1 + ref[k].norm())) << shape.Describe() << k;
      // float32 agrees to single precision.
      MlpWorkspace<float> wsf;
      wsf.Resize(shape, 9);
      const Weights<float> Wf = CastWeights<float>(W);
      const MatrixF Xf = X.cast<float>();
      MlpForward(wsf, shape, Wf, Xf);
      EXPECT_LE((wsf.F.cast<double>() - Fref).norm(), 1e-5 * (1 + Fref.norm()));
    }
  }
}

double Objective(const TrainOptions& o, const MlpShape& shape, const Weights<double>& W,
                 const Dataset& ds) {
  return EvalObjective(o, shape, W, ds).objective;
}

// Central differences with step h·max(1, |θ|); relative error in the 2-norm over all parameters.
double GradientError(const TrainOptions& o, const MlpShape& shape, const Weights<double>& W,
                     const Dataset& ds) {
  const ObjectiveEval ev = EvalObjective(o, shape, W, ds);
  double diff = 0, ref = 0;
  Weights<double> Wp = W;
  for (int k = 0; k < shape.TrainableLayers(); ++k)
    for (Index i = 0; i < W[k].size(); ++i) {
      const double v = W[k].data()[i], h = 1e-6 * std::max(1.0, std::abs(v));
      Wp[k].data()[i] = v + h;
      const double fp = Objective(o, shape, Wp, ds);
      Wp[k].data()[i] = v - h;
      const double fm = Objective(o, shape, Wp, ds);
      Wp[k].data()[i] = v;
      const double fd = (fp - fm) / (2 * h);
      diff += std::pow(fd - ev.grad[k].data()[i], 2);
      ref += fd * fd;
    }
  return std::sqrt(diff / ref);
}

TEST(Mlp, GradientsMatchFiniteDifferences) {
  int checked = 0;
  for (int depth : {1, 2, 3}) {
    for (const std::string loss : {"logistic", "exponential", "cross-entropy", "squared"}) {
      for (const std::string scaling : {"standard", "ntk", "mean-field"}) {
        for (const auto& [lambda, power] : std::vector<std::pair<double, double>>{
                 {0.0, 2.0}, {0.05, 2.0}, {0.05, 1.5}, {0.05, 3.0}}) {
          for (bool frozen : {false, true}) {
            if (frozen && depth == 1) continue;
            const int classes = loss == "cross-entropy" ? 3 : 0;
            const Dataset ds = RandomData(10, 4, classes, 5 + depth);
            TrainOptions o;
            o.depth = depth;
            o.width = {6};
            o.loss = loss;
            o.scaling = scaling;
            o.lambda = lambda;
            o.reg_power = power;
            o.freeze_output = frozen;
            const MlpShape shape = ShapeFor(o, ds);
            Rng rng(100 + checked);
            // Scale so that the losses are in a moderate range.
            const Weights<double> W = InitWeights(shape, {0.7}, rng);
            const double err = GradientError(o, shape, W, ds);
            EXPECT_LT(err, 1e-6) << "depth " << depth << " " << loss << " " << scaling << " λ "
                                 << lambda << " r " << power << " frozen " << frozen;
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 4 * 3 * 4 * 5);
}

TEST(Mlp, PositivelyHomogeneousAndMarginScaleInvariant) {
  for (int depth : {1, 2, 3, 4}) {
    for (bool frozen : {false, true}) {
      if (frozen && depth == 1) continue;
      const Dataset ds = RandomData(15, 5, 0, 3);
      TrainOptions o;
      o.depth = depth;
      o.width = {8};
      o.scaling = "ntk";
      o.freeze_output = frozen;
      const MlpShape shape = ShapeFor(o, ds);
      Rng rng(depth);
      const Weights<double> W = InitWeights(shape, {1.0}, rng);
      for (double c : {0.3, 2.5, 1000.0}) {
        Weights<double> Wc = W;
        for (int k = 0; k < shape.TrainableLayers(); ++k) Wc[k] *= c;
        const Matrix F = MlpForwardReference(shape, W, ds.X);
        const Matrix Fc = MlpForwardReference(shape, Wc, ds.X);
        const double h = shape.Homogeneity();
        EXPECT_LE((Fc - std::pow(c, h) * F).norm(), 1e-12 * std::pow(c, h) * F.norm());
        // Normalized margin: min_i y_i f_i / ‖Θ‖^h is invariant.
        const Vector z = Margins(F, ds.y, LossKind::kLogistic);
        const Vector zc = Margins(Fc, ds.y, LossKind::kLogistic);
        const double g = z.minCoeff() / std::pow(std::sqrt(SquaredNorm(shape, W)), h);
        const double gc = zc.minCoeff() / std::pow(std::sqrt(SquaredNorm(shape, Wc)), h);
        EXPECT_NEAR(gc, g, 1e-12 * std::abs(g));
      }
    }
  }
}

TEST(Mlp, InitIsReproducibleAndFrozenOutputIsPlusMinusOne) {
  const MlpShape shape = Shape({3, 5, 1}, Scaling::kNtk, true);
  Rng a(4), b(4);
  const Weights<double> Wa = InitWeights(shape, {0.5}, a), Wb = InitWeights(shape, {0.5}, b);
  EXPECT_EQ(Wa[0], Wb[0]);
  for (Index j = 0; j < 5; ++j) EXPECT_EQ(std::abs(Wa[1](0, j)), 1.0);
  EXPECT_THROW(Shape({3, 1}, Scaling::kStandard, true).Check(), InputError);
}

}  // namespace
}  // namespace marginlab::nn

namespace marginlab::nn {
namespace {

// Skipping the activations (training steps) changes nothing else: same outputs and gradients,
// bitwise; and the two-layer kernels' gradients (from the stored activation pattern, with
// dw_j = s u_j·v_j) match the plain reference.
TEST(Mlp, SkippingActivationsIsBitwiseEqualToWritingThem) {
  MlpShape shape;
  shape.dims = {6, 150, 1};
  shape.scaling = Scaling::kNtk;
  Rng rng(5);
  const Weights<double> W = InitWeights(shape, {1.0}, rng);
  const Matrix X = rng.NormalMatrix(33, 6), dF = rng.NormalMatrix(33, 1);
  Weights<double> dA, dB;
  for (const auto& w : W) dA.push_back(Matrix::Zero(w.rows(), w.cols())), dB.push_back(dA.back());
  MlpWorkspace<double> a, b;
  a.Resize(shape, 33);
  b.Resize(shape, 33);
  b.write_activations = false;
  MlpForward(a, shape, W, X);
  MlpForward(b, shape, W, X);
  EXPECT_EQ(0, std::memcmp(a.F.data(), b.F.data(), sizeof(double) * 33));
  MlpBackward(dA, a, shape, W, X, dF);
  MlpBackward(dB, b, shape, W, X, dF);
  for (int k = 0; k < 2; ++k)
    EXPECT_EQ(0, std::memcmp(dA[k].data(), dB[k].data(), sizeof(double) * dA[k].size()));
  const Weights<double> ref = MlpBackwardReference(shape, W, X, dF);
  EXPECT_LE((dB[0] - ref[0]).norm(), 1e-13 * ref[0].norm());
  EXPECT_LE((dB[1] - ref[1]).norm(), 1e-13 * ref[1].norm());
}

// The backward kernels flush subnormals (two_layer_kernel.cpp): with loss derivatives below
// the smallest normal float the float32 gradient is 0 where the exact one is smaller than
// FLT_MIN·max|x|·n, normal derivatives are untouched, and the caller's FP mode is restored.
TEST(Mlp, SubnormalDerivativesAreFlushedAndTheModeRestored) {
  MlpShape shape;
  shape.dims = {5, 130, 1};
  Rng rng(8);
  const Weights<double> W = InitWeights(shape, {1.0}, rng);
  const Matrix X = rng.NormalMatrix(24, 5);
  Matrix dF = rng.NormalMatrix(24, 1);
  for (Index i = 0; i < 12; ++i) dF(i, 0) *= 1e-40;  // subnormal in float32
  Weights<float> Wf, dWf;
  for (const auto& w : W) Wf.push_back(w.cast<float>()), dWf.push_back(MatrixF::Zero(w.rows(), w.cols()));
  const MatrixF Xf = X.cast<float>(), dFf = dF.cast<float>();
  MlpWorkspace<float> ws;
  ws.Resize(shape, 24);
#if defined(__SSE__)
  const unsigned before = _mm_getcsr();
#endif
  MlpForward(ws, shape, Wf, Xf);
  MlpBackward(dWf, ws, shape, Wf, Xf, dFf);
#if defined(__SSE__)
  EXPECT_EQ(before, _mm_getcsr());
#endif
  Matrix dFn = dF;
  for (Index i = 0; i < 12; ++i) dFn(i, 0) = 0;  // what the flush leaves
  const Weights<double> ref = MlpBackwardReference(shape, W, X, dFn);
  for (int k = 0; k < 2; ++k) {
    EXPECT_TRUE(dWf[k].allFinite());
    EXPECT_LE((dWf[k].cast<double>() - ref[k]).norm(), 1e-5 * ref[k].norm()) << k;
  }
  // Every derivative subnormal: exactly zero (unflushed, the products would be subnormal too).
  const MatrixF tiny = (dF * 1e-40).cast<float>();
  ASSERT_GT(tiny.cwiseAbs().maxCoeff(), 0.0f);
  MlpBackward(dWf, ws, shape, Wf, Xf, tiny);
  for (int k = 0; k < 2; ++k) EXPECT_EQ(0.0f, dWf[k].cwiseAbs().maxCoeff()) << k;
}

}  // namespace
}  // namespace marginlab::nn
