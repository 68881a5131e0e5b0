// Two-layer networks as explicit matrices (see the header).
#include "marginlab/margin/two_layer.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/data/npz.hpp"
#include "marginlab/margin/objective.hpp"
#include "marginlab/nn/mlp.hpp"

namespace marginlab::margin {

namespace {
nn::MlpShape Shape(const TwoLayerNet& net) {
  nn::MlpShape s;
  s.dims = {net.U.cols(), net.U.rows(), 1};
  return s;
}
nn::Weights<double> Weights(const TwoLayerNet& net) {
  return {net.U, Matrix(net.w.transpose())};
}
}  // namespace

Vector TwoLayerNet::Outputs(const Matrix& X) const {
  ML_REQUIRE(X.cols() == U.cols()) << "network has input dimension " << U.cols() << ", data has "
                                   << X.cols() << " features";
  if (width() == 0) return Vector::Zero(X.rows());
  return output_scale * nn::MlpForwardReference(Shape(*this), Weights(*this), X).col(0);
}

TwoLayerNet BalancedNetwork(const Matrix& directions, const Vector& weights) {
  ML_CHECK(directions.rows() == weights.size()) << "one weight per direction";
  Index width = 0;
  for (Index j = 0; j < weights.size(); ++j) width += weights[j] != 0;
  TwoLayerNet net;
  net.U.resize(width, directions.cols());
  net.w.resize(width);
  for (Index j = 0, k = 0; j < weights.size(); ++j) {
    const double a = weights[j];
    if (a == 0) continue;
    const double s = std::sqrt(std::abs(a));
    net.U.row(k) = s * directions.row(j);
    net.w[k++] = a > 0 ? s : -s;
  }
  return net;
}

double TwoLayerNet::SquaredNorm() const {
  if (width() == 0) return 0;
  return nn::SquaredNorm(Shape(*this), Weights(*this));
}

double TwoLayerNet::NormalizedMargin(const Matrix& X, const Vector& y) const {
  const Vector f = Outputs(X);
  ML_REQUIRE(f.size() == y.size()) << "labels and data disagree in size";
  return (y.array() * f.array()).minCoeff<Eigen::PropagateNaN>() / SquaredNorm();  // NaN stays NaN
}

TwoLayerNet LoadTwoLayerNet(const std::filesystem::path& path, const std::string& key, long trial) {
  const auto members = ReadNpz(path);
  const std::string prefix = key.empty() ? "" : key + "/";
  const std::string where = path.string();
  auto get = [&](const std::string& name) -> const NpyArray& {
    auto it = members.find(name);
    ML_REQUIRE(it != members.end()) << where << ": no member '" << name
                                    << "' (expected a two-layer network saved by marginlab train --save)";
    return it->second;
  };
  ML_REQUIRE(!members.count(prefix + "W3"))
      << where << ": holds a network of depth > 2 ('" << prefix << "W3'); margins and certificates "
      << "here are for two-layer networks";
  auto matrix = [&](const std::string& name) {
    const NpyArray& a = get(prefix + name);
    ML_REQUIRE(a.shape.size() == 2 || a.shape.size() == 3)
        << where << ": '" << prefix << name << "' must be 2-D (out, in) or 3-D (trials, out, in)";
    const std::size_t T = a.shape.size() == 3 ? a.shape[0] : 1;
    ML_REQUIRE(trial >= 0 && static_cast<std::size_t>(trial) < T)
        << where << ": trial " << trial << " requested but '" << prefix << name << "' holds " << T;
    const std::size_t rows = a.shape[a.shape.size() - 2], cols = a.shape.back();
    Matrix W(rows, cols);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) W(r, c) = a.data[(trial * rows + r) * cols + c];
    ML_REQUIRE(W.allFinite()) << where << ": '" << prefix << name
                              << "' holds NaN or infinite weights (saved from a diverged run?)";
    return W;
  };
  TwoLayerNet net;
  net.U = matrix("W1");
  const Matrix W2 = matrix("W2");
  ML_REQUIRE(W2.rows() == 1 && W2.cols() == net.U.rows())
      << where << ": '" << prefix << "W2' must be 1×" << net.U.rows() << " (one output), got "
      << W2.rows() << "×" << W2.cols();
  net.w = W2.row(0).transpose();
  if (auto it = members.find("meta/frozen_output"); it != members.end() && !it->second.data.empty())
    ML_REQUIRE(it->second.data[0] == 0.0)
        << where << ": the output layer was frozen in training; margins and certificates here "
        << "assume a trained, regularized output layer";
  if (auto it = members.find("meta/output_scale"); it != members.end() && !it->second.data.empty())
    net.output_scale = it->second.data[0];
  return net;
}

void SaveTwoLayerNet(const std::filesystem::path& path, const TwoLayerNet& net) {
  NpzWriter w;
  w.Add("final/W1", net.U);
  w.Add("final/W2", Matrix(net.w.transpose()));
  Vector dims(3);
  dims << static_cast<double>(net.U.cols()), static_cast<double>(net.width()), 1.0;
  w.Add("meta/dims", dims);
  w.Add("meta/output_scale", Vector(Vector::Constant(1, net.output_scale)));
  w.Add("meta/frozen_output", Vector(Vector::Constant(1, 0.0)));
  w.Write(path);
}

NetEvaluation EvaluateTwoLayerNet(const TwoLayerNet& net, const Matrix& X, const Vector& y,
                                  const std::string& loss) {
  const MarginLoss L(loss);
  const Vector f = net.Outputs(X);
  ML_REQUIRE(f.size() == y.size() && y.size() > 0) << "labels and data disagree in size";
  NetEvaluation e;
  Index wrong = 0;
  for (Index i = 0; i < f.size(); ++i) wrong += !(std::isfinite(f[i]) && y[i] * f[i] > 0);
  e.error = static_cast<double>(wrong) / static_cast<double>(f.size());
  e.loss = MeanLoss(L, f, y);
  return e;
}

}  // namespace marginlab::margin
