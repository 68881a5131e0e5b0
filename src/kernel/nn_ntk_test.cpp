// Empirical NTK of nn-module networks: against the Gram matrix of the nn module's own per-example
// gradients (nn::MlpBackwardReference) for depth 1–3, every scaling, frozen output layer, several
// outputs; against central differences; saved .npz networks read back.
#include "marginlab/kernel/nn_ntk.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "marginlab/core/error.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/data/npz.hpp"
#include "marginlab/nn/network_file.hpp"
#include "testing/tmpdir.hpp"

namespace marginlab::kernel {
namespace {

// ⟨∇f_c(x_i), ∇f_c(x′_j)⟩ from the nn module's backward pass, one example at a time (dF = e_c).
Matrix GradientGram(const nn::MlpShape& shape, const nn::Weights<double>& W, const Matrix& X1, const Matrix& X2,
                    Index output) {
  auto grads = [&](const Matrix& X) {
    std::vector<Vector> g;
    for (Index i = 0; i < X.rows(); ++i) {
      Matrix dF = Matrix::Zero(1, shape.output_dim());
      dF(0, output) = 1.0;
      const nn::Weights<double> dW = nn::MlpBackwardReference(shape, W, X.row(i), dF);
      std::vector<double> flat;
      for (int k = 0; k < shape.TrainableLayers(); ++k)  // a frozen output layer is not a parameter
        flat.insert(flat.end(), dW[k].data(), dW[k].data() + dW[k].size());
      g.push_back(Eigen::Map<Vector>(flat.data(), static_cast<Index>(flat.size())));
    }
    return g;
  };
  const auto g1 = grads(X1), g2 = grads(X2);
  Matrix T(X1.rows(), X2.rows());
  for (Index i = 0; i < X1.rows(); ++i)
    for (Index j = 0; j < X2.rows(); ++j) T(i, j) = g1[i].dot(g2[j]);
  return T;
}

double MaxRelativeError(const Matrix& A, const Matrix& B) {
  return (A - B).cwiseAbs().maxCoeff() / B.cwiseAbs().maxCoeff();
}

nn::MlpShape Shape(std::vector<Index> dims, nn::Scaling s, bool frozen) {
  nn::MlpShape shape;
  shape.dims = std::move(dims);
  shape.scaling = s;
  shape.freeze_output = frozen;
  return shape;
}

TEST(NnNtk, EqualsGramOfTheNnModulesGradients) {
  const std::vector<std::vector<Index>> all_dims = {{5, 9, 1}, {5, 9, 7, 1}};
  int cases = 0;
  for (const auto& dims : all_dims)
    for (nn::Scaling sc : {nn::Scaling::kStandard, nn::Scaling::kNtk, nn::Scaling::kMeanField})
      for (bool frozen : {false, true}) {
        const nn::MlpShape shape = Shape(dims, sc, frozen);
        Rng rng(100 + cases);
        const nn::Weights<double> W = nn::InitWeights(shape, {0.7}, rng);
        const Matrix X1 = rng.NormalMatrix(6, 5), X2 = rng.NormalMatrix(4, 5);
        const nn::Network net = nn::Network::From(shape, W);
        EXPECT_EQ(net.output_scale, shape.OutputScale());
        EXPECT_EQ(net.frozen_output, frozen);
        Vector f1, f2;
        const Matrix T = EmpiricalNtk(net, X1, X2, 0, &f1, &f2);
        const Matrix R = GradientGram(shape, W, X1, X2, 0);
        EXPECT_LE(MaxRelativeError(T, R), 1e-10) << shape.Describe();
        // Outputs agree with the nn module's forward pass.
        EXPECT_LE((f1 - nn::MlpForwardReference(shape, W, X1).col(0)).cwiseAbs().maxCoeff(),
                  1e-12 * f1.cwiseAbs().maxCoeff())
            << shape.Describe();
        EXPECT_LE((f2 - net.Outputs(X2).col(0)).cwiseAbs().maxCoeff(), 1e-12 * f2.cwiseAbs().maxCoeff());
        // The symmetric form: exactly symmetric, and the same numbers.
        const Matrix S = EmpiricalNtk(net, X1);
        EXPECT_EQ((S - S.transpose()).cwiseAbs().maxCoeff(), 0.0);
        EXPECT_LE(MaxRelativeError(S, GradientGram(shape, W, X1, X1, 0)), 1e-10) << shape.Describe();
        // A frozen output layer removes exactly its term s²⟨h, h′⟩.
        if (frozen) {
          nn::Network all = net;
          all.frozen_output = false;
          EXPECT_GT((EmpiricalNtk(all, X1, X2) - T).cwiseAbs().maxCoeff(), 1e-3 * T.cwiseAbs().maxCoeff());
        }
        ++cases;
      }
  EXPECT_EQ(cases, 12);
}

TEST(NnNtk, LinearModelAndSeveralOutputs) {
  Rng rng(7);
  const Matrix X1 = rng.NormalMatrix(5, 4), X2 = rng.NormalMatrix(3, 4);
  // Depth 1: f = W x, Θ̂ = ⟨x, x′⟩.
  const nn::MlpShape lin = Shape({4, 1}, nn::Scaling::kNtk, false);
  const nn::Weights<double> Wl = nn::InitWeights(lin, {1.0}, rng);
  EXPECT_LE(MaxRelativeError(EmpiricalNtk(nn::Network::From(lin, Wl), X1, X2), X1 * X2.transpose()), 1e-14);
  // l = 3 outputs: each output's Θ̂ from the gradients of that output.
  for (bool frozen : {false, true}) {
    const nn::MlpShape shape = Shape({4, 8, 6, 3}, nn::Scaling::kMeanField, frozen);
    const nn::Weights<double> W = nn::InitWeights(shape, {1.0}, rng);
    const nn::Network net = nn::Network::From(shape, W);
    for (Index c = 0; c < 3; ++c)
      EXPECT_LE(MaxRelativeError(EmpiricalNtk(net, X1, X2, c), GradientGram(shape, W, X1, X2, c)), 1e-10)
          << "output " << c;
    EXPECT_THROW(EmpiricalNtk(net, X1, X2, 3), InputError);
  }
  EXPECT_THROW(EmpiricalNtk(nn::Network::From(lin, Wl), X1, Matrix(2, 5)), InputError);
}

TEST(NnNtk, MatchesCentralDifferences) {
  Rng rng(9);
  const nn::MlpShape shape = Shape({3, 6, 5, 1}, nn::Scaling::kNtk, true);
  nn::Weights<double> W = nn::InitWeights(shape, {1.0}, rng);
  const Matrix X = rng.NormalMatrix(4, 3);
  const nn::Network net = nn::Network::From(shape, W);
  std::vector<Vector> g(4, Vector::Zero(0));
  for (Index i = 0; i < 4; ++i) {
    std::vector<double> flat;
    for (int k = 0; k < shape.TrainableLayers(); ++k)
      for (Index e = 0; e < W[k].size(); ++e) {
        const double keep = W[k].data()[e], h = 1e-6;
        W[k].data()[e] = keep + h;
        const double fp = nn::MlpForwardReference(shape, W, X.row(i))(0, 0);
        W[k].data()[e] = keep - h;
        const double fm = nn::MlpForwardReference(shape, W, X.row(i))(0, 0);
        W[k].data()[e] = keep;
        flat.push_back((fp - fm) / (2 * h));
      }
    g[i] = Eigen::Map<Vector>(flat.data(), static_cast<Index>(flat.size()));
  }
  const Matrix T = EmpiricalNtk(net, X);
  for (Index i = 0; i < 4; ++i)
    for (Index j = 0; j < 4; ++j) EXPECT_NEAR(T(i, j), g[i].dot(g[j]), 1e-6 * (1 + std::fabs(T(i, j))));
}

TEST(NnNtk, LoadsSavedNetworks) {
  const std::filesystem::path dir = testing::ScratchDir();
  Rng rng(11);
  const nn::MlpShape shape = Shape({4, 6, 5, 1}, nn::Scaling::kMeanField, true);
  const nn::Weights<double> A = nn::InitWeights(shape, {1.0}, rng), B = nn::InitWeights(shape, {1.0}, rng);
  // Two trials as (T, out, in) arrays under final/, one under init/ (2-D), meta as train --save writes.
  NpzWriter w;
  for (int k = 0; k < 3; ++k) {
    const std::size_t r = A[k].rows(), c = A[k].cols();
    std::vector<double> buf(2 * r * c);
    for (int t = 0; t < 2; ++t)
      for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < c; ++j) buf[(t * r + i) * c + j] = (t == 0 ? A : B)[k](i, j);
    w.Add("final/W" + std::to_string(k + 1), buf.data(), {2, r, c});
    w.Add("init/W" + std::to_string(k + 1), A[k]);
  }
  w.Add("meta/dims", Vector((Vector(4) << 4, 6, 5, 1).finished()));
  w.Add("meta/output_scale", Vector(Vector::Constant(1, shape.OutputScale())));
  w.Add("meta/frozen_output", Vector(Vector::Constant(1, 1.0)));
  w.Write(dir / "net.npz");
  const nn::Network n1 = nn::NetworkFile::Read(dir / "net.npz").Load("final", 1);
  ASSERT_EQ(n1.depth(), 3);
  EXPECT_EQ(n1.output_scale, 0.2);
  EXPECT_TRUE(n1.frozen_output);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(n1.W[k], B[k]);
  const nn::Network n0 = nn::NetworkFile::Read(dir / "net.npz").Load("init");
  for (int k = 0; k < 3; ++k) EXPECT_EQ(n0.W[k], A[k]);
  const Matrix X = rng.NormalMatrix(5, 4);
  EXPECT_LE(MaxRelativeError(EmpiricalNtk(n1, X), GradientGram(shape, B, X, X, 0)), 1e-10);
  EXPECT_THROW(nn::NetworkFile::Read(dir / "net.npz").Load("final", 2), InputError);
  EXPECT_THROW(nn::NetworkFile::Read(dir / "net.npz").Load("best"), InputError);
  NpzWriter bad;
  bad.Add("W1", A[0]);
  bad.Add("W2", A[2]);  // 1×5 after 6×4: shapes do not chain
  bad.Write(dir / "bad.npz");
  EXPECT_THROW(nn::NetworkFile::Read(dir / "bad.npz").Load(""), InputError);
}

}  // namespace
}  // namespace marginlab::kernel
