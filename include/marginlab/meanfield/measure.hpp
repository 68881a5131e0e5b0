// Weighted particle measures on R^{d+1} for the mean-field two-layer network
// (Wei et al. §3, Example 3.2; DESIGN §2 "Mean field").
//
// A measure ρ = Σ_j m_j δ(θ_j), θ_j = (w_j, u_j) ∈ R × R^d, masses m_j > 0
// with Σ m_j = 1. It is a "distributional network": ∫Φ_i dρ = Σ_j m_j w_j
// relu(u_j·x_i), and ∫V dρ = λ Σ_j m_j (w_j² + ‖u_j‖²).
//
// Two-homogeneity (Φ(cθ) = c²Φ(θ), V(cθ) = c²V(θ), v[ρ](cθ) = c v[ρ](θ))
// makes the pair (m, θ) ↦ (m/c², cθ) an exact symmetry: it changes neither
// ∫Φ dρ, ∫V dρ, nor the future of the particle under the transport of eq.
// 3.2 (θ + ηv(θ) scales by c too). Pruning uses it to keep the total mass
// exactly 1 (see PruneToBudget).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marginlab/core/rng.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::meanfield {

struct ParticleMeasure {
  Vector w;                 // M output weights
  Matrix U;                 // M×d hidden weights (row j = u_j)
  Vector mass;              // M masses m_j > 0
  std::vector<long> born;   // step at which particle j was created (0 for the start)

  Index size() const { return w.size(); }
  Index dim() const { return U.cols(); }
  double TotalMass() const;                  // Σ m_j, summed in index order
  double SecondMoment() const;               // Σ m_j ‖θ_j‖²
  // Appends one particle.
  void Append(double w_j, const Eigen::Ref<const Vector>& u_j, double m_j, long born_j);
  // Keeps the particles with keep[j] true, in order.
  void Compact(const std::vector<char>& keep);
  // Throws InternalError on mismatched sizes or non-finite / non-positive masses.
  void Check() const;
};

// Uniform on the unit sphere S^d ⊂ R^{d+1}: a normalized Gaussian vector (w first).
void SampleSphere(Rng& rng, double* w, Eigen::Ref<Vector> u);

// The starting measures (all with equal masses 1/M):
//   sphere — θ_j uniform on S^d times `radius` (the "good" start: support on every direction);
//   point  — every particle at one θ₀ = radius · ϑ, ϑ uniform on S^d (a Dirac mass, which the
//            unperturbed flow keeps a Dirac mass forever: a single neuron);
//   cone   — θ_j = radius · normalize(ϑ + tan(φ_j) t_j), φ_j uniform in [0, angle], t_j a
//            uniform unit vector orthogonal to ϑ: every direction within `angle` of ϑ.
enum class InitLaw { kSphere, kPoint, kCone };

struct InitOptions {
  std::string law = "sphere";  // sphere | point | cone
  long particles = 1000;       // M
  double radius = 1;           // ‖θ_j‖
  double angle = 0.3;          // cone half-angle in radians (< π/2)
  std::string Validate() const;
  InitLaw law_kind() const;  // `law` as the algorithm sees it (Validate() checked it)
  static const std::vector<std::string>& Laws();  // sphere, point, cone
};
ParticleMeasure InitialMeasure(Index d, const InitOptions& opts, Rng rng);

// The two-layer network with the same outputs and norm: U'_j = √m_j u_j, w'_j = √m_j w_j,
// output scale 1, so f(x) = ∫Φ(x) dρ and ‖Θ'‖² = Σ m_j ‖θ_j‖² (for certify.hpp).
margin::TwoLayerNet EquivalentNetwork(const ParticleMeasure& rho);

// When the count exceeds `budget`, removes particles until `budget` remain, in this order:
// old (born ≥ `protect` steps before `step`) particles that are not growing before growing
// ones, young ones last; within each group the least content m_j ‖θ_j‖² first (its whole
// contribution to ∫Φ dρ and ∫V dρ is bounded by it). "Growing" uses `direction_variation`
// (L′[ρ] at the unit direction, Transport's output; entries beyond its size count as growing):
// d/dt log(m‖θ‖²) = −4 L′[ρ](θ̄) − σ, so a particle in a descent direction (L′(θ̄) < −σ/4)
// is exactly what the perturbation injects mass for, however small it still is.
// The removed mass goes to the remaining particle of largest content k by the exact symmetry
// above: θ_k ← θ_k √(m_k/(m_k + Δm)), m_k ← m_k + Δm. Total mass is conserved; ∫Φ dρ and ∫V dρ
// change only by the removed content, which is returned (0 when nothing was pruned).
double PruneToBudget(ParticleMeasure& rho, Index budget, long step, long protect,
                     const Vector* direction_variation = nullptr, double sigma = 0);

// Keeps every (m_j, θ_j) inside double's range. Under decay a particle in a descent direction
// loses mass like e^{−σt} while ‖θ_j‖ grows like e^{σt/2} (its content m_j‖θ_j‖² is what the
// flow keeps finite), and past σt ≈ 700 m_j underflows and ‖θ_j‖² overflows: L[ρ] turns NaN
// although nothing diverged (σ = 0.01, η = 0.2: step ≈ 353,000). Every particle with
// m_j < `floor` is moved back to ‖θ_j‖ ≈ 1 by the exact symmetry above, taking the mass it needs,
// Δ = min(m_j‖θ_j‖², m_k/2) − m_j, from the heaviest particle k by the same symmetry
// (θ_k ← θ_k √(m_k/(m_k − Δ))). ∫Φ dρ, ∫V dρ, every content m‖θ‖², the velocity field along
// each ray and the total mass are unchanged (up to rounding, which ReturnRoundingResidue
// collects); only where the mass sits on each ray moves. Returns the number of particles moved.
inline constexpr double kTinyMass = 0x1p-500;  // ≈ 3e-151: ‖θ‖² stays below ~1e150
Index RenormalizeTinyMasses(ParticleMeasure& rho, double floor = kTinyMass);

}  // namespace marginlab::meanfield
