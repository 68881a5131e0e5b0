// Two-layer networks as explicit matrices (see the header).
#include "marginlab/margin/two_layer.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/margin/objective.hpp"
#include "marginlab/nn/mlp.hpp"
#include "marginlab/nn/prediction_metrics.hpp"

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

TwoLayerNet LoadTwoLayerNet(const nn::NetworkFile& file, const std::string& key, long trial) {
  const std::string prefix = key.empty() ? "" : key + "/";
  const std::string& where = file.where();
  ML_REQUIRE(file.Has(key)) << where << ": no member '" << prefix
                            << "W1' (expected a two-layer network saved by marginlab train --save; "
                            << file.Contents() << ")";
  ML_REQUIRE(file.Depth(key) <= 2)
      << where << ": holds a network of depth > 2 ('" << prefix << "W3'); margins and certificates "
      << "here are for two-layer networks";
  ML_REQUIRE(file.Depth(key) == 2) << where << ": no member '" << prefix
                                   << "W2' (expected a two-layer network saved by marginlab train --save)";
  return FromNetwork(nn::Network{file.Layers(key, trial), file.output_scale(), file.frozen_output()}, where, prefix);
}

TwoLayerNet FromNetwork(const nn::Network& n, const std::string& where, const std::string& prefix) {
  ML_REQUIRE(n.depth() == 2) << where << ": a network of depth " << n.depth()
                             << "; margins and certificates here are for two-layer networks";
  const Matrix& W1 = n.W[0];
  const Matrix& W2 = n.W[1];
  ML_REQUIRE(W2.rows() == 1 && W2.cols() == W1.rows())
      << where << ": '" << prefix << "W2' must be 1×" << W1.rows() << " (one output), got " << W2.rows() << "×"
      << W2.cols();
  ML_REQUIRE(!n.frozen_output) << where << ": the output layer was frozen in training; margins and "
                               << "certificates here assume a trained, regularized output layer";
  TwoLayerNet net;
  net.U = W1;
  net.w = W2.row(0).transpose();
  net.output_scale = n.output_scale;
  return net;
}

TwoLayerNet LoadTwoLayerNet(const std::filesystem::path& path, const std::string& key, long trial) {
  return LoadTwoLayerNet(nn::NetworkFile::Read(path), key, trial);
}

void SaveTwoLayerNet(const std::filesystem::path& path, const TwoLayerNet& net,
                     const std::optional<nn::SavedObjective>& objective) {
  nn::NetworkFileWriter w({net.U.cols(), net.width(), 1}, net.output_scale, false);
  w.AddLayers("final", {{net.U, Matrix(net.w.transpose())}});
  if (objective) w.SetObjective(*objective);
  w.Write(path);
}

NetEvaluation EvaluateTwoLayerNet(const TwoLayerNet& net, const Matrix& X, const Vector& y,
                                  const std::string& loss) {
  const MarginLoss L(loss);
  const Vector f = net.Outputs(X);
  ML_REQUIRE(f.size() == y.size() && y.size() > 0) << "labels and data disagree in size";
  NetEvaluation e;
  e.error = nn::ErrorRate(f, y, LabelKind::kBinary);
  e.loss = MeanLoss(L, f, y);
  return e;
}

}  // namespace marginlab::margin
