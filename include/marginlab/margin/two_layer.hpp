// A two-layer ReLU network f(x) = s Σ_j w_j relu(u_j·x) as explicit matrices,
// its normalized margin, and reading and writing it as a saved network (nn/network_file.hpp).
//
//   U (m×d, rows u_j = the nn module's W1), w (m, = W2ᵀ), s = output scale
//   (1 for the standard parameterization; Ji's ntk scaling s = 1/√m).
//   ‖Θ‖² = ‖U‖_F² + ‖w‖², normalized margin γ(Θ) = min_i y_i f(x_i) / ‖Θ‖²
//   (DESIGN §2, q = 2; Wei et al. §4). Outputs and norms are computed by the
//   nn module (MlpForwardReference, SquaredNorm).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "marginlab/core/types.hpp"
#include "marginlab/nn/network_file.hpp"

namespace marginlab::margin {

struct TwoLayerNet {
  Matrix U;                  // m×d
  Vector w;                  // m
  double output_scale = 1;   // s

  Index width() const { return U.rows(); }
  Vector Outputs(const Matrix& X) const;   // n: f(x_i)
  double SquaredNorm() const;              // ‖U‖_F² + ‖w‖²
  double NormalizedMargin(const Matrix& X, const Vector& y) const;
};

// The balanced two-layer network of a signed measure Σ_j a_j δ(ū_j) on the sphere
// (rows of `directions`, K×d): one neuron per nonzero a_j with u_j = √|a_j| ū_j and
// w_j = sign(a_j) √|a_j|, so f = Σ_j a_j relu(ū_j·x) and ‖Θ‖² = 2‖a‖₁.
TwoLayerNet BalancedNetwork(const Matrix& directions, const Vector& weights);

// The two-layer network Θ = (U, w) of an nn::Network (nn/network.hpp): U = W_1, w = W_2ᵀ, the same
// output scale. InputError naming `where` (and the member <prefix>W2) unless the network has depth
// 2, one output and a trained (not frozen) output layer.
TwoLayerNet FromNetwork(const nn::Network& net, const std::string& where, const std::string& prefix = "");

// Reads `<key>/W1` (m×d) and `<key>/W2` (1×m) (key "final" by default; "" reads W1, W2) and
// meta/output_scale from a saved network (nn/network_file.hpp). With several trials (3-D arrays)
// `trial` picks one. Throws InputError naming the file and member (missing, wrong shape,
// depth ≠ 2, frozen output layer, NaN or infinite weights).
TwoLayerNet LoadTwoLayerNet(const nn::NetworkFile& file, const std::string& key = "final", long trial = 0);
TwoLayerNet LoadTwoLayerNet(const std::filesystem::path& path, const std::string& key = "final",
                            long trial = 0);

// Writes `net` as a saved network of one trial under final/ (no init/: an optimum has no
// initialization), with the objective it belongs to when there is one (Θ_λ: the loss and λ; a
// max-margin net has none), so that `certify --params`, `kernel gram --net`, `margin l1svm
// --params` and the Python side read it. Atomic (a temporary file renamed into place).
void SaveTwoLayerNet(const std::filesystem::path& path, const TwoLayerNet& net,
                     const std::optional<nn::SavedObjective>& objective = std::nullopt);

// Test metrics of a network for binary labels ±1: the 0-1 error (nn/prediction_metrics.hpp:
// y f ≤ 0 is wrong; NaN when an output is not finite) and the mean loss ("logistic" | "squared").
struct NetEvaluation {
  double error = 0, loss = 0;
};
NetEvaluation EvaluateTwoLayerNet(const TwoLayerNet& net, const Matrix& X, const Vector& y,
                                  const std::string& loss);

}  // namespace marginlab::margin
