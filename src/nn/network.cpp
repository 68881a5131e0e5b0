// A trained network on its own (network.hpp).
#include "marginlab/nn/network.hpp"

#include <cmath>
#include <sstream>

#include "marginlab/core/error.hpp"

namespace marginlab::nn {

Network Network::From(const MlpShape& shape, const Weights<double>& W) {
  shape.Check();
  ML_REQUIRE(static_cast<int>(W.size()) == shape.depth())
      << "network: " << W.size() << " weight matrices for depth " << shape.depth();
  for (int k = 0; k < shape.depth(); ++k)
    ML_REQUIRE(W[k].rows() == shape.dims[k + 1] && W[k].cols() == shape.dims[k])
        << "network: W" << k + 1 << " is " << W[k].rows() << "×" << W[k].cols() << ", shape " << shape.Describe()
        << " needs " << shape.dims[k + 1] << "×" << shape.dims[k];
  return Network{W, shape.OutputScale(), shape.freeze_output};
}

void Network::Check(const std::string& where) const {
  ML_REQUIRE(!W.empty()) << where << ": a network needs at least one layer";
  ML_REQUIRE(std::isfinite(output_scale) && output_scale > 0)
      << where << ": the output scale must be a finite number > 0, got " << output_scale;
  for (std::size_t k = 0; k < W.size(); ++k) {
    ML_REQUIRE(W[k].rows() >= 1 && W[k].cols() >= 1) << where << ": W" << k + 1 << " is empty";
    if (k > 0)
      ML_REQUIRE(W[k].cols() == W[k - 1].rows())
          << where << ": W" << k + 1 << " has " << W[k].cols() << " columns but W" << k << " has " << W[k - 1].rows()
          << " rows";
  }
}

std::vector<Index> Network::dims() const {
  std::vector<Index> d{input_dim()};
  for (const Matrix& w : W) d.push_back(w.rows());
  return d;
}

std::string Network::Describe() const {
  std::ostringstream o;
  const std::vector<Index> d = dims();
  for (std::size_t k = 0; k < d.size(); ++k) o << (k ? "-" : "") << d[k];
  o << " (depth " << depth() << ", output scale " << output_scale << (frozen_output ? ", frozen output" : "")
    << ")";
  return o.str();
}

Matrix Network::Outputs(const Matrix& X) const {
  Check("network");
  ML_REQUIRE(X.cols() == input_dim()) << "network has input dimension " << input_dim() << ", data has " << X.cols()
                                      << " features";
  Matrix H = X;
  for (std::size_t k = 0; k + 1 < W.size(); ++k) H = (H * W[k].transpose()).cwiseMax(0.0);
  return output_scale * (H * W.back().transpose());
}

}  // namespace marginlab::nn
