// Empirical NTK of nn-module networks and saved networks (nn_ntk.hpp).
#include "marginlab/kernel/nn_ntk.hpp"

#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/kernel/empirical_ntk.hpp"
#include "marginlab/nn/network_file.hpp"

namespace marginlab {

namespace {
void CheckLayers(const nn::Weights<double>& W, const std::string& where) {
  ML_REQUIRE(!W.empty()) << where << ": a network needs at least one layer";
  for (std::size_t k = 0; k < W.size(); ++k) {
    ML_REQUIRE(W[k].rows() >= 1 && W[k].cols() >= 1) << where << ": W" << k + 1 << " is empty";
    if (k > 0)
      ML_REQUIRE(W[k].cols() == W[k - 1].rows())
          << where << ": W" << k + 1 << " has " << W[k].cols() << " columns but W" << k << " has " << W[k - 1].rows()
          << " rows";
  }
}
}  // namespace

NnNetwork NnNetwork::From(const nn::MlpShape& shape, const nn::Weights<double>& W) {
  shape.Check();
  ML_REQUIRE(static_cast<int>(W.size()) == shape.depth())
      << "network: " << W.size() << " weight matrices for depth " << shape.depth();
  for (int k = 0; k < shape.depth(); ++k)
    ML_REQUIRE(W[k].rows() == shape.dims[k + 1] && W[k].cols() == shape.dims[k])
        << "network: W" << k + 1 << " is " << W[k].rows() << "×" << W[k].cols() << ", shape " << shape.Describe()
        << " needs " << shape.dims[k + 1] << "×" << shape.dims[k];
  return NnNetwork{W, shape.OutputScale(), shape.freeze_output};
}

std::vector<Index> NnNetwork::dims() const {
  std::vector<Index> d{input_dim()};
  for (const Matrix& w : W) d.push_back(w.rows());
  return d;
}

std::string NnNetwork::Describe() const {
  std::ostringstream o;
  const std::vector<Index> d = dims();
  for (std::size_t k = 0; k < d.size(); ++k) o << (k ? "-" : "") << d[k];
  o << " (depth " << depth() << ", output scale " << output_scale << (frozen_output ? ", frozen output" : "")
    << ")";
  return o.str();
}

Matrix NnNetwork::Outputs(const Matrix& X) const {
  CheckLayers(W, "network");
  ML_REQUIRE(X.cols() == input_dim()) << "network has input dimension " << input_dim() << ", data has " << X.cols()
                                      << " features";
  Matrix H = X;
  for (std::size_t k = 0; k + 1 < W.size(); ++k) H = (H * W[k].transpose()).cwiseMax(0.0);
  return output_scale * (H * W.back().transpose());
}

Matrix EmpiricalNtk(const NnNetwork& net, const Matrix& X1, const Matrix& X2, Index output, Vector* f1,
                    Vector* f2) {
  CheckLayers(net.W, "network");
  ML_REQUIRE(!(net.frozen_output && net.depth() == 1))
      << "network: a frozen output layer needs depth >= 2 (the linear model would have no parameters)";
  for (const Matrix* X : {&X1, &X2})
    ML_REQUIRE(X->cols() == net.input_dim())
        << "network has input dimension " << net.input_dim() << ", data has " << X->cols() << " features";
  ML_REQUIRE(output >= 0 && output < net.output_dim())
      << "output " << output << " requested, the network has " << net.output_dim() << " output(s)";
  // f_c = s W_q[c,:] h: the rows of W_q other than c play no part in f_c.
  std::vector<Matrix> W(net.W.begin(), net.W.end());
  W.back() = Matrix(net.W.back().row(output));
  std::vector<double> c(W.size(), 1.0);
  c.back() = net.output_scale;
  const Index trainable = net.frozen_output ? net.depth() - 1 : net.depth();
  return EmpiricalNtkMlp(W, c, X1, X2, f1, f2, trainable);
}

Matrix EmpiricalNtk(const NnNetwork& net, const Matrix& X, Index output) {
  Matrix T = EmpiricalNtk(net, X, X, output);
  // The two GEMMs of a term need not round identically above and below the diagonal.
  for (Index j = 0; j < T.cols(); ++j)
    for (Index i = j + 1; i < T.rows(); ++i) T(i, j) = T(j, i) = 0.5 * (T(i, j) + T(j, i));
  return T;
}

NnNetwork LoadNnNetwork(const std::filesystem::path& path, const std::string& key, long trial) {
  const nn::NetworkFile file = nn::NetworkFile::Read(path);
  ML_REQUIRE(file.Has(key)) << file.where() << ": no member '" << (key.empty() ? "" : key + "/")
                            << "W1' (expected a network saved by marginlab train --save, with init/W1… and final/W1…; "
                            << file.Contents() << ")";
  NnNetwork net;
  net.W = file.Layers(key, trial);
  CheckLayers(net.W, file.where());
  net.output_scale = file.output_scale();
  net.frozen_output = file.frozen_output();
  return net;
}

}  // namespace marginlab
