// Empirical NTK by batched backpropagation and its Monte-Carlo average (empirical_ntk.hpp).
#include "marginlab/kernel/empirical_ntk.hpp"

#include <algorithm>
#include <cmath>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/parallel_tasks.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/kernel/gram.hpp"

namespace marginlab::kernel {

const std::vector<std::string>& MonteCarloNtkOptions::Nets() {
  static const std::vector<std::string> kNets = {"two-layer", "mlp"};
  return kNets;
}

std::string MonteCarloNtkOptions::Validate() const {
  if (!IsChoice(Nets(), net)) return "net must be " + JoinWords(Nets()) + ", got '" + net + "'";
  if (width < 1) return "width must be >= 1";
  if (depth < 1) return "depth must be >= 1";
  if (samples < 2) return "samples must be >= 2 (a standard error needs two)";
  if (!IsChoice(ParameterizationNames(), parameterization))
    return "parameterization must be " + JoinWords(ParameterizationNames());
  if (!(rw >= 0 && ru >= 0 && w_std > 0) || !std::isfinite(rw) || !std::isfinite(ru) || !std::isfinite(w_std))
    return "rw, ru must be finite and >= 0 and w_std finite and > 0";
  return "";
}

std::string MonteCarloNtkOptions::Unused(const std::string& field) const {
  if ((field == "depth" || field == "w_std") && net != "mlp") return "is only used by net mlp (net = " + net + ")";
  if ((field == "rw" || field == "ru") && net != "two-layer") return "is only used by net two-layer (net = " + net + ")";
  return "";
}

Matrix EmpiricalNtkTwoLayer(const Matrix& U, const Vector& w, double s, const Matrix& X1,
                            const Matrix& X2) {
  ML_CHECK(U.rows() == w.size() && U.cols() == X1.cols() && X1.cols() == X2.cols()) << "shapes";
  const Matrix P1 = X1 * U.transpose(), P2 = X2 * U.transpose();  // n×m pre-activations u_j·x
  const Matrix H1 = P1.cwiseMax(0.0), H2 = P2.cwiseMax(0.0);     // relu(u_j·x): ∂f/∂w_j / s
  // ∂f/∂u_j = s w_j 1(u_j·x > 0) x: inner products ⟨x,x′⟩ Σ_j w_j² 1 1.
  const Matrix S1 = (P1.array() > 0).cast<double>().matrix() * w.asDiagonal();
  const Matrix S2 = (P2.array() > 0).cast<double>().matrix() * w.asDiagonal();
  return s * s * (H1 * H2.transpose() + (X1 * X2.transpose()).cwiseProduct(S1 * S2.transpose()));
}

namespace {
// Forward: A[k] = layer inputs (A[0] = X), H[k] = preactivations c_k A[k] W_kᵀ (n × n_k).
void Forward(const std::vector<Matrix>& W, const std::vector<double>& c, const Matrix& X,
             std::vector<Matrix>& A, std::vector<Matrix>& H) {
  const std::size_t q = W.size();
  A.assign(q, Matrix());
  H.assign(q, Matrix());
  A[0] = X;
  for (std::size_t k = 0; k < q; ++k) {
    ML_CHECK(W[k].cols() == A[k].cols()) << "layer " << k << ": W has " << W[k].cols() << " columns, input " << A[k].cols();
    H[k] = c[k] * (A[k] * W[k].transpose());
    if (k + 1 < q) A[k + 1] = H[k].cwiseMax(0.0);
  }
}
// Backward: D[k] = ∂f/∂H_k (n × n_k), D[q−1] = 1.
void Backward(const std::vector<Matrix>& W, const std::vector<double>& c, const std::vector<Matrix>& H,
              std::vector<Matrix>& D) {
  const std::size_t q = W.size();
  D.assign(q, Matrix());
  D[q - 1] = Matrix::Ones(H[q - 1].rows(), 1);
  for (std::size_t k = q - 1; k-- > 0;)
    D[k] = (c[k + 1] * (D[k + 1] * W[k + 1])).cwiseProduct((H[k].array() > 0).cast<double>().matrix());
}
}  // namespace

Vector MlpForward(const std::vector<Matrix>& W, const std::vector<double>& c, const Matrix& X) {
  std::vector<Matrix> A, H;
  Forward(W, c, X, A, H);
  return H.back().col(0);
}

Matrix EmpiricalNtkMlp(const std::vector<Matrix>& W, const std::vector<double>& c, const Matrix& X1,
                       const Matrix& X2, Vector* f1, Vector* f2, Index trainable_layers) {
  ML_CHECK(!W.empty() && W.size() == c.size() && W.back().rows() == 1) << "MLP: bad layers";
  const Index q = static_cast<Index>(W.size());
  ML_CHECK(trainable_layers >= -1 && trainable_layers <= q) << "MLP: trainable_layers " << trainable_layers;
  const std::size_t t = static_cast<std::size_t>(trainable_layers < 0 ? q : trainable_layers);
  std::vector<Matrix> A1, H1, D1, A2, H2, D2;
  Forward(W, c, X1, A1, H1);
  Forward(W, c, X2, A2, H2);
  Backward(W, c, H1, D1);
  Backward(W, c, H2, D2);
  Matrix T = Matrix::Zero(X1.rows(), X2.rows());
  for (std::size_t k = 0; k < t; ++k)  // ∂f/∂W_k = c_k Δ_kᵀ A_{k−1}
    T += c[k] * c[k] * (D1[k] * D2[k].transpose()).cwiseProduct(A1[k] * A2[k].transpose());
  if (f1) *f1 = H1.back().col(0);
  if (f2) *f2 = H2.back().col(0);
  return T;
}

MonteCarloNtk MonteCarloEmpiricalNtk(const MonteCarloNtkOptions& o, const Matrix& X1, const Matrix& X2) {
  ValidateOrThrow(o, "Monte-Carlo NTK");
  const Index n1 = X1.rows(), n2 = X2.rows(), d = X1.cols(), S = o.samples;
  {
    // Kept: each sample's NTK and NNGP (n1 × n2), then the four results. Per sample at work (one
    // per thread): the weights and, per input set, the pre-activations, activations and masks
    // (n × m each; the MLP: every layer's). Checked before any of it is allocated.
    const Index m = o.width, layers = o.two_layer() ? 1 : std::max<Index>(o.depth - 1, 1);
    const std::uint64_t pair = ArrayBytes({n1, n2}, sizeof(double));
    std::uint64_t work = SaturatingAdd(ArrayBytes({m, d}, sizeof(double)),
                                       SaturatingMul(static_cast<std::uint64_t>(layers), ArrayBytes({m, m}, sizeof(double))));
    work = SaturatingAdd(work, SaturatingMul(4 * static_cast<std::uint64_t>(layers),
                                             ArrayBytes({n1 + n2, m}, sizeof(double))));
    const std::uint64_t threads = static_cast<std::uint64_t>(std::min<Index>(NumThreads(), S));
    RequireMemory(SaturatingAdd(SaturatingMul(SaturatingAdd(SaturatingMul(2, static_cast<std::uint64_t>(S)), 4), pair),
                                SaturatingMul(threads, SaturatingAdd(work, pair))),
                  "the Monte-Carlo NTK (" + std::to_string(S) + " samples of width " + std::to_string(m) + ", " +
                      std::to_string(n1) + " x " + std::to_string(n2) + " inputs)");
  }
  std::vector<Matrix> ntk(static_cast<std::size_t>(S)), nngp(static_cast<std::size_t>(S));
  const bool standard = o.standard_parameterization();
  ParallelTasks(S, [&](Index t, int) {
    Rng rng = Rng(o.seed).Split(static_cast<std::uint64_t>(t)).Split(Purpose::kMonteCarlo);
    const Index m = o.width;
    Vector f1, f2;
    if (o.two_layer()) {
      const Matrix U = rng.NormalMatrix(m, d, o.ru);
      const Vector w = rng.NormalMatrix(m, 1, o.rw);
      const double s = standard ? 1.0 : 1.0 / std::sqrt(static_cast<double>(m));
      ntk[t] = EmpiricalNtkTwoLayer(U, w, s, X1, X2);
      f1 = s * ((X1 * U.transpose()).cwiseMax(0.0) * w);
      f2 = s * ((X2 * U.transpose()).cwiseMax(0.0) * w);
    } else {
      std::vector<Matrix> W;
      std::vector<double> c;
      Index fan_in = d;
      for (Index k = 0; k < o.depth; ++k) {
        const Index out = k + 1 == o.depth ? 1 : m;
        const double std_k = o.w_std / std::sqrt(static_cast<double>(fan_in));
        W.push_back(rng.NormalMatrix(out, fan_in, standard ? std_k : 1.0));
        c.push_back(standard ? 1.0 : std_k);
        fan_in = out;
      }
      ntk[t] = EmpiricalNtkMlp(W, c, X1, X2, &f1, &f2);
    }
    nngp[t] = f1 * f2.transpose();
  });
  MonteCarloNtk r;
  auto stats = [&](const std::vector<Matrix>& v, Matrix& mean, Matrix& se) {
    mean = Matrix::Zero(n1, n2);
    for (const auto& m : v) mean += m;
    mean /= static_cast<double>(S);
    Matrix var = Matrix::Zero(n1, n2);
    for (const auto& m : v) var += (m - mean).cwiseAbs2();
    se = (var / static_cast<double>(S - 1) / static_cast<double>(S)).cwiseSqrt();
  };
  stats(ntk, r.ntk_mean, r.ntk_stderr);
  stats(nngp, r.nngp_mean, r.nngp_stderr);
  return r;
}

}  // namespace marginlab::kernel
