// Empirical NTK of nn-module networks (nn_ntk.hpp).
#include "marginlab/kernel/nn_ntk.hpp"

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/kernel/empirical_ntk.hpp"

namespace marginlab::kernel {

Matrix EmpiricalNtk(const nn::Network& net, const Matrix& X1, const Matrix& X2, Index output, Vector* f1,
                    Vector* f2) {
  net.Check("network");
  ML_REQUIRE(!(net.frozen_output && net.depth() == 1))
      << "network: a frozen output layer needs depth >= 2 (the linear model would have no parameters)";
  for (const Matrix* X : {&X1, &X2})
    ML_REQUIRE(X->cols() == net.input_dim())
        << "network has input dimension " << net.input_dim() << ", data has " << X->cols() << " features";
  ML_REQUIRE(output >= 0 && output < net.output_dim())
      << "output " << output << " requested, the network has " << net.output_dim() << " output(s)";
  {
    // The result, and per layer the activations and the backward pass of both input sets.
    std::uint64_t bytes = ArrayBytes({X1.rows(), X2.rows()}, sizeof(double));
    for (const Matrix& w : net.W)
      bytes = SaturatingAdd(bytes, SaturatingMul(4, ArrayBytes({X1.rows() + X2.rows(), w.rows()}, sizeof(double))));
    RequireMemory(bytes, "the empirical NTK of " + std::to_string(X1.rows()) + " x " + std::to_string(X2.rows()) +
                             " inputs (width " + std::to_string(net.W.front().rows()) + ")");
  }
  // f_c = s W_q[c,:] h: the rows of W_q other than c play no part in f_c.
  std::vector<Matrix> W(net.W.begin(), net.W.end());
  W.back() = Matrix(net.W.back().row(output));
  std::vector<double> c(W.size(), 1.0);
  c.back() = net.output_scale;
  const Index trainable = net.frozen_output ? net.depth() - 1 : net.depth();
  return EmpiricalNtkMlp(W, c, X1, X2, f1, f2, trainable);
}

Matrix EmpiricalNtk(const nn::Network& net, const Matrix& X, Index output) {
  Matrix T = EmpiricalNtk(net, X, X, output);
  // The two GEMMs of a term need not round identically above and below the diagonal.
  for (Index j = 0; j < T.cols(); ++j)
    for (Index i = j + 1; i < T.rows(); ++i) T(i, j) = T(j, i) = 0.5 * (T(i, j) + T(j, i));
  return T;
}

}  // namespace marginlab::kernel
