// Ji §3.1: the infinite-width Gram matrix of the hidden layer and its smallest eigenvalue,
//     H∞(i,j) = ⟨x_i, x_j⟩ E_{w~N(0,I)}[1(w·x_i > 0) 1(w·x_j > 0)] = ⟨x_i,x_j⟩ (π − θ_ij)/(2π),
//     λ₀ = λ_min(H∞),
// the quantity whose positivity drives Ji's (and Du et al.'s) NTK-regime convergence analysis.
// H∞ is the kernel "hinf" (closed_form.hpp), computed by the tiled Gram path.
#pragma once

#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

Matrix HInfinity(const Matrix& X);
// λ_min(H∞) by a symmetric eigensolver (O(n³)).
double LambdaZero(const Matrix& X);

}  // namespace marginlab::kernel
