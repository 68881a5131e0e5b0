// Homogeneous ReLU MLP: forward and backward passes (see mlp.hpp).
//
// Chain rule, with H_0 = X, Z_k = H_{k−1} W_kᵀ, H_k = relu(Z_k), F = s H_{q−1} W_qᵀ:
//   dW_q     = s · dFᵀ H_{q−1}                       (l × m_{q−1})
//   dH_{q−1} = s · dF W_q                            (n × m_{q−1})
//   dZ_k     = dH_k ⊙ 1[Z_k > 0] = dH_k ⊙ 1[H_k > 0]  (n × m_k)
//   dW_k     = dZ_kᵀ H_{k−1}                         (m_k × m_{k−1})
//   dH_{k−1} = dZ_k W_k                              (n × m_{k−1})
// Fused passes: the relu of the last hidden layer is applied inside the
// output product when l = 1, and for l = 1 the last layer's dW_q, dH and mask
// are one pass per hidden unit that writes dZ over H (no extra n×m buffer).
#include "marginlab/nn/mlp.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/nn/two_layer_kernel.hpp"

namespace marginlab::nn {

const char* ToString(Scaling s) {
  switch (s) {
    case Scaling::kStandard: return "standard";
    case Scaling::kNtk: return "ntk";
    case Scaling::kMeanField: return "mean-field";
  }
  return "?";
}

const std::vector<std::string>& ScalingNames() {
  static const std::vector<std::string> kNames = {"standard", "ntk", "mean-field"};
  return kNames;
}

Scaling ParseScaling(const std::string& t, const std::string& what) {
  if (t == "standard") return Scaling::kStandard;
  if (t == "ntk") return Scaling::kNtk;
  if (t == "mean-field" || t == "meanfield" || t == "mf") return Scaling::kMeanField;
  throw InputError(what + ": expected " + JoinWords(ScalingNames()) + ", got '" + t + "'");
}

double MlpShape::OutputScale() const {
  if (depth() < 2) return 1.0;
  const double m = static_cast<double>(dims[dims.size() - 2]);
  switch (scaling) {
    case Scaling::kStandard: return 1.0;
    case Scaling::kNtk: return 1.0 / std::sqrt(m);
    case Scaling::kMeanField: return 1.0 / m;
  }
  return 1.0;
}

std::string MlpShape::Describe() const {
  std::ostringstream o;
  for (std::size_t k = 0; k < dims.size(); ++k) o << (k ? "-" : "") << dims[k];
  o << " (depth " << depth() << ", " << ToString(scaling) << (freeze_output ? ", frozen output" : "")
    << ")";
  return o.str();
}

void MlpShape::Check() const {
  ML_REQUIRE(dims.size() >= 2) << "network: need at least an input and an output dimension";
  for (Index v : dims) ML_REQUIRE(v >= 1) << "network: every width must be ≥ 1, got " << v;
  ML_REQUIRE(!(freeze_output && depth() == 1))
      << "network: a frozen output layer needs depth ≥ 2 (the linear model would have no parameters)";
}

Weights<double> InitWeights(const MlpShape& shape, const std::vector<double>& stds, Rng& rng) {
  shape.Check();
  const int q = shape.depth();
  ML_REQUIRE(stds.size() == 1 || static_cast<int>(stds.size()) == q)
      << "init_std: expected one value or one per layer (" << q << "), got " << stds.size();
  Weights<double> W;
  for (int k = 0; k < q; ++k) {
    const Index rows = shape.dims[k + 1], cols = shape.dims[k];
    if (k == q - 1 && shape.freeze_output) {
      Matrix a(rows, cols);
      for (Index c = 0; c < cols; ++c)
        for (Index r = 0; r < rows; ++r) a(r, c) = rng.Rademacher();
      W.push_back(std::move(a));
    } else {
      W.push_back(rng.NormalMatrix(rows, cols, stds.size() == 1 ? stds[0] : stds[k]));
    }
  }
  return W;
}

template <class T>
void MlpWorkspace<T>::Resize(const MlpShape& shape, Index n) {
  const int q = shape.depth();
  H.resize(q);
  dH.resize(q);
  for (int k = 1; k < q; ++k) {
    H[k].resize(n, shape.dims[k]);
    // l = 1 writes dZ_{q−1} over H_{q−1}; every other layer needs its own buffer.
    if (k < q - 1 || shape.output_dim() > 1) dH[k].resize(n, shape.dims[k]);
  }
  F.resize(n, shape.output_dim());
  if (q == 2 && shape.output_dim() == 1) Fpart.resize(n, (shape.dims[1] + kUnitBlock - 1) / kUnitBlock);
}

template <class T>
void MlpForward(MlpWorkspace<T>& ws, const MlpShape& shape, const Weights<T>& W,
                const MatrixT<T>& X) {
  const int q = shape.depth();
  const Index l = shape.output_dim();
  const T s = static_cast<T>(shape.OutputScale());
  const MatrixT<T>* prev = &X;  // H_{k−1}
  const bool two_layer = q == 2 && l == 1;  // fused below; no separate Z product
  for (int k = 1; k < q && !two_layer; ++k) {
    MatrixT<T>& Hk = ws.H[k];
    Hk.noalias() = (*prev) * W[k - 1].transpose();  // Z_k (n×m_k) = H_{k−1} (n×m_{k−1}) W_kᵀ
    if (k < q - 1 || l > 1) Hk = Hk.cwiseMax(T(0));   // H_k = relu(Z_k)
    prev = &Hk;
  }
  if (two_layer) {
    // Two-layer, scalar output: blocks of kUnitBlock hidden units, each by the fused kernel of
    // two_layer_kernel.hpp (Z in registers, the activation pattern to ws.mask for the backward
    // pass; H written only when write_activations, for the metrics).
    // F = s Σ_b F_b in block order: the blocks are fixed (not per thread), so the result is
    // the same for any thread count.
    MatrixT<T>& H1 = ws.H[1];
    const Index m = shape.dims[1], nb = (m + kUnitBlock - 1) / kUnitBlock, n = X.rows();
    const auto mask_size = static_cast<std::size_t>(nb * n * (kUnitBlock / 8));
    if (ws.mask.size() < mask_size) ws.mask.resize(mask_size);
    auto block = [&](Index b) {
      const Index j0 = b * kUnitBlock, w = std::min(kUnitBlock, m - j0);
      TwoLayerForwardBlock(X, W[0], W[1], j0, w, ws.Fpart.col(b).data(),
                                   ws.mask.data() + b * n * (kUnitBlock / 8),
                                   ws.write_activations ? &H1 : nullptr);
    };
    if (ws.pool) ws.pool->Run(nb, block);
    else for (Index b = 0; b < nb; ++b) block(b);
    auto f = ws.F.col(0);
    f = ws.Fpart.col(0);
    for (Index b = 1; b < nb; ++b) f += ws.Fpart.col(b);
    if (s != T(1)) f *= s;
  } else if (q >= 2 && l == 1) {
    // F (n×1) = s Σ_j w_j relu(Z_{q−1}[:, j]), relu applied in place, column by column.
    MatrixT<T>& Hl = ws.H[q - 1];
    auto f = ws.F.col(0);
    f.setZero();
    for (Index j = 0; j < Hl.cols(); ++j) {
      auto h = Hl.col(j);
      h = h.cwiseMax(T(0));
      f.noalias() += W[q - 1](0, j) * h;
    }
    if (s != T(1)) f *= s;
  } else {
    ws.F.noalias() = (*prev) * W[q - 1].transpose();  // F (n×l) = H_{q−1} W_qᵀ
    if (s != T(1)) ws.F *= s;
  }
}

template <class T>
void MlpBackward(Weights<T>& dW, MlpWorkspace<T>& ws, const MlpShape& shape, const Weights<T>& W,
                 const MatrixT<T>& X, const MatrixT<T>& dF) {
  const int q = shape.depth();
  const Index l = shape.output_dim();
  const T s = static_cast<T>(shape.OutputScale());
  if (q == 1) {
    dW[0].noalias() = dF.transpose() * X;  // dW_1 (l×d) = s dFᵀ X
    if (s != T(1)) dW[0] *= s;
    return;
  }
  if (q == 2 && l == 1) {
    // Per block of units (as in the forward pass), fused (two_layer_kernel.hpp), from the
    // forward pass's activation pattern: V_b = G_bᵀ X with G = dF ⊙ 1[Z > 0], then
    // dU_j = s w_j v_j and dw_j = s u_j·v_j. H is neither read nor overwritten.
    const Index m = shape.dims[1], nb = (m + kUnitBlock - 1) / kUnitBlock, n = X.rows();
    ML_CHECK(ws.mask.size() >= static_cast<std::size_t>(nb * n * (kUnitBlock / 8)))
        << "MlpBackward: no activation pattern from a matching MlpForward";
    auto block = [&](Index b) {
      const Index j0 = b * kUnitBlock, w = std::min(kUnitBlock, m - j0);
      TwoLayerBackwardBlock(X, W[0], W[1], s, dF.data(),
                                    ws.mask.data() + b * n * (kUnitBlock / 8), j0, w, dW[0],
                                    shape.freeze_output ? nullptr : &dW[1]);
    };
    if (ws.pool) ws.pool->Run(nb, block);
    else for (Index b = 0; b < nb; ++b) block(b);
    return;
  }
  MatrixT<T>* G;  // dZ_{q−1} (n×m_{q−1})
  if (l == 1) {
    // One pass per hidden unit j: dw_j = s ⟨H[:, j], dF⟩; dZ[:, j] = s w_j dF ⊙ 1[H[:, j] > 0],
    // written over H[:, j].
    MatrixT<T>& Hl = ws.H[q - 1];
    auto df = dF.col(0);
    for (Index j = 0; j < Hl.cols(); ++j) {
      auto h = Hl.col(j);
      if (!shape.freeze_output) dW[q - 1](0, j) = s * h.dot(df);
      const T wj = s * W[q - 1](0, j);
      h = (h.array() > T(0)).select(wj * df.array(), T(0));
    }
    G = &Hl;
  } else {
    if (!shape.freeze_output) {
      dW[q - 1].noalias() = dF.transpose() * ws.H[q - 1];  // dW_q (l×m) = s dFᵀ H_{q−1}
      if (s != T(1)) dW[q - 1] *= s;
    }
    MatrixT<T>& dH = ws.dH[q - 1];
    dH.noalias() = dF * W[q - 1];  // dH_{q−1} (n×m) = s dF W_q
    if (s != T(1)) dH *= s;
    dH = (ws.H[q - 1].array() > T(0)).select(dH, T(0));  // dZ_{q−1} = dH ⊙ 1[H > 0]
    G = &dH;
  }
  for (int k = q - 1; k >= 1; --k) {
    const MatrixT<T>& prev = k == 1 ? X : ws.H[k - 1];
    // dW_k (m_k×m_{k−1}) = dZ_kᵀ H_{k−1}. For many rows it is formed as (H_{k−1}ᵀ dZ_k)ᵀ: Eigen
    // then packs the big dZ_k (n×m_k) as a column-major right-hand side, much cheaper than
    // packing its transpose as a left-hand side. For a minibatch (n ≤ kDirectRows) packing dZ_k
    // costs little and the transposed copy of the m_k×m_{k−1} result is what costs: directly
    // (a 784-4096-10 batch-50 step 1.8–2.3× faster, measured). The choice depends on n only.
    constexpr Index kDirectRows = 1024;
    if (prev.rows() <= kDirectRows) {
      dW[k - 1].noalias() = G->transpose() * prev;
    } else {
      ws.dWt.noalias() = prev.transpose() * (*G);  // (m_{k−1}×m_k)
      dW[k - 1] = ws.dWt.transpose();
    }
    if (k == 1) break;
    MatrixT<T>& dHp = ws.dH[k - 1];
    dHp.noalias() = (*G) * W[k - 1];  // dH_{k−1} (n×m_{k−1}) = dZ_k W_k
    dHp = (ws.H[k - 1].array() > T(0)).select(dHp, T(0));  // dZ_{k−1}
    G = &dHp;
  }
}

Matrix MlpForwardReference(const MlpShape& shape, const Weights<double>& W, const Matrix& X) {
  Matrix H = X;
  for (int k = 0; k + 1 < shape.depth(); ++k) H = (H * W[k].transpose()).cwiseMax(0.0);
  return shape.OutputScale() * (H * W.back().transpose());
}

Weights<double> MlpBackwardReference(const MlpShape& shape, const Weights<double>& W,
                                     const Matrix& X, const Matrix& dF) {
  const int q = shape.depth();
  std::vector<Matrix> Hs{X};
  for (int k = 0; k + 1 < q; ++k) Hs.push_back((Hs.back() * W[k].transpose()).cwiseMax(0.0));
  Weights<double> dW(q);
  const double s = shape.OutputScale();
  dW[q - 1] = s * dF.transpose() * Hs[q - 1];
  if (shape.freeze_output) dW[q - 1].setZero();
  Matrix dH = s * dF * W[q - 1];
  for (int k = q - 1; k >= 1; --k) {
    const Matrix dZ = dH.cwiseProduct((Hs[k].array() > 0).cast<double>().matrix());
    dW[k - 1] = dZ.transpose() * Hs[k - 1];
    dH = dZ * W[k - 1];
  }
  return dW;
}

template <class T>
double SquaredNorm(const MlpShape& shape, const Weights<T>& W) {
  double s = 0;
  for (int k = 0; k < shape.TrainableLayers(); ++k) s += static_cast<double>(W[k].squaredNorm());
  return s;
}

#define ML_NN_INSTANTIATE(T)                                                                      \
  template struct MlpWorkspace<T>;                                                                \
  template void MlpForward<T>(MlpWorkspace<T>&, const MlpShape&, const Weights<T>&,               \
                              const MatrixT<T>&);                                                 \
  template void MlpBackward<T>(Weights<T>&, MlpWorkspace<T>&, const MlpShape&, const Weights<T>&, \
                               const MatrixT<T>&, const MatrixT<T>&);                             \
  template double SquaredNorm<T>(const MlpShape&, const Weights<T>&);
ML_NN_INSTANTIATE(double)
ML_NN_INSTANTIATE(float)
#undef ML_NN_INSTANTIATE

}  // namespace marginlab::nn
