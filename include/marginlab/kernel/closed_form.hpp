// Closed-form kernels, one pair at a time: the plain scalar reference that the
// tiled, vectorized Gram path (gram.hpp) must match to 1e-12.
//
// Two-layer family (Wei et al. §2 eq. for K, Thm 2.1; F.3; Cho & Saul 2009; Ji §3.1). With θ the
// angle between x and x′, g = ⟨x,x′⟩, ab = ‖x‖‖x′‖, s = ab sin θ, every member is
//     K = A (π−θ) g + B s + C (π−θ)
//   ntk      A = (r_w²+r_u²)/(2π), B = r_u²/(2π), C = 0
//            (= r_w² g (π−θ)/(2π) + r_u² ab (sin θ + (π−θ) cos θ)/(2π))
//   relu     ntk with r_w = 0;     arccos1  A = B = 1/π;     arccos0  C = 1/π;
//   hinf     A = 1/(2π)  (Ji's H∞ = ⟨x,x′⟩ E_w[1(w·x>0)1(w·x′>0)]).
// Checks: θ = 0 gives K = (r_u²+r_w²)‖x‖²/2 (ntk); θ = π gives 0. A zero input gives K = 0.
//
// The angle: θ = 2 atan2(‖u−v‖, ‖u+v‖), u = x/‖x‖, v = x′/‖x′‖ (Kahan, "Mindless", 2006), accurate
// to a few ulps for every θ in [0, π]; never acos of a clamped cosine, which loses half the digits
// near θ = 0 and θ = π.
//
// Deep kernels (neural-tangents conventions, Novak et al. 2020): the network
//     stax.serial(*[Dense(W_std, b_std), Relu()] * (depth−1), Dense(W_std, b_std))
// with the input kernel Σ = ⟨x,x′⟩/d (neural-tangents divides by the number of features).
//   Dense, 'ntk' parameterization:      Σ ← W²Σ + b²,  Θ ← Σ_new + W² Θ
//   Dense, 'standard' parameterization: Θ ← n_in Σ_old + 1[b_std>0] + W² Θ,  Σ ← W²Σ + b²
//        (n_in = d for the first layer, `width` after; the standard NTK grows with the width)
//   Relu:  Σ ← (√(q₁₁q₂₂)/2π)(sin θ + (π−θ) cos θ),  q ← q/2 on the diagonal,  Θ ← Θ (π−θ)/(2π)
// b_std = 0 means "no bias" (neural-tangents' b_std=None: no +1 in the standard NTK).
// To keep θ accurate at every layer, the recursion carries D = q₁₁q₂₂ − q₁₂² and
// E = q₁₁ + q₂₂ − 2q₁₂ in cancellation-free forms (see closed_form.cpp), so θ = atan2(√D, q₁₂).
// deep-ntk with depth 2, W_std = 1, b_std = 0, 'ntk' equals ntk(r_w = r_u = 1)/d.
#pragma once

#include "marginlab/core/types.hpp"
#include "marginlab/kernel/kernel_spec.hpp"

namespace marginlab::kernel {

// θ ∈ [0, π] between x and y by Kahan's formula; π/2 if either is zero.
double AngleBetween(const Vector& x, const Vector& y);

// The coefficients (A, B, C) of a two-layer-family kernel (not for deep kernels).
struct DotKernelCoeffs {
  double A = 0, B = 0, C = 0;
};
DotKernelCoeffs TwoLayerCoeffs(const KernelOptions& opts);
inline double TwoLayerFromAngle(const DotKernelCoeffs& c, double g, double s, double theta) {
  const double pm = 3.14159265358979323846 - theta;
  return c.A * pm * g + c.B * s + c.C * pm;
}

// The deep recursion for one pair, from squared norms n1, n2, g = ⟨x,x′⟩ and s = ‖x‖‖x′‖ sin θ.
struct DeepKernelValue {
  double nngp = 0, ntk = 0;
};
DeepKernelValue DeepKernelPair(const KernelOptions& opts, Index d, double n1, double n2, double g,
                               double s);
// The diagonal values q (NNGP) and Θ (NTK) at x with squared norm n1.
DeepKernelValue DeepKernelDiagonal(const KernelOptions& opts, Index d, double n1);

// Plain reference K(x, y) for any kernel: scalar norms and dot product, Kahan angle, std::atan2.
double KernelReference(const KernelOptions& opts, const Vector& x, const Vector& y);

// Helpers shared with the vectorized path (exact same formulas):
// π − J(θ), J(θ) = sin θ + (π−θ) cos θ, without cancellation near θ = 0, from sin θ, cos θ, θ.
double PiMinusJ(double sin_t, double cos_t, double theta);
// sin θ − θ cos θ, by its Taylor series for θ < 0.5.
double SinMinusThetaCos(double sin_t, double cos_t, double theta);

}  // namespace marginlab::kernel
