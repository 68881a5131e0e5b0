// Fused kernels for one block of hidden units of the two-layer, scalar-output network
// f(x) = s Σ_j w_j relu(u_j·x) (mlp.hpp), used by MlpForward / MlpBackward.
//
// Why by hand: with the papers' shapes the first product Z = X Uᵀ has an inner dimension of
// only d (≈ 20). A general GEMM (Eigen, OpenBLAS) packs both operands and zeroes Z before
// accumulating, then relu, the output sum and the masks are separate passes over n×m
// numbers; measured, that left the step at 15% of the GEMM peak (bench/nn_step_bench.cpp).
// No library offers a small-K GEMM with these epilogues, so the block kernels here keep Z in
// registers: for 8 examples × 2 vectors of units at a time, z = Σ_k x_k u_k (d FMAs on
// registers), then relu and the output, and the activation pattern 1[z > 0] as one bit per
// entry (n·m/8 bytes in all, 1/64 of Z in double; with AVX-512 these are the compare's mask
// registers, stored as they are); Z itself is never written.
// The backward pass needs only that pattern. With v_j = Σ_i f′_i 1[z_ij > 0] x_i (a d-vector
// per unit), the gradients are dU_j = s w_j v_j and dw_j = s Σ_i f′_i relu(z_ij) =
// s Σ_i f′_i 1[z_ij > 0] (u_j·x_i) = s u_j·v_j, so one product V_b = G_bᵀ X with
// G = f′_i 1[z_ij > 0] (a cache-sized buffer per block, register accumulators) gives both:
// 4nmd flops per step in all, like a framework's forward + backward, where recomputing Z in
// the backward pass (this file's first version) cost 6nmd.
//
// Vectors are GCC vector extensions of 64 bytes (8 doubles / 16 floats; the compiler uses
// AVX-512 with -march=native, two AVX2 registers otherwise). Every sum runs in a fixed order
// that depends only on the shapes, so results are identical for any thread count and for a
// trial trained alone or in a batch.
#pragma once

#include <cstdint>

#include "marginlab/core/types.hpp"

namespace marginlab::nn {

// Block [j0, j0 + w) of the hidden units (w ≤ kUnitBlock). X is n×d, U = W_1 (m×d), w2 = W_2
// (1×m). Forward: fb[i] = Σ_{j in block} w_j relu(z_ij) (without s); mask (the block's
// n × kUnitBlock bits, row i in the kUnitBlock / 8 bytes at mask + i·kUnitBlock/8, unit j0 + j
// at bit j % 8 of byte j / 8) gets 1[z_ij > 0]; if H is
// not null, also H(i, j) = relu(z_ij) for the block's columns of H (n×m).
template <class T>
void TwoLayerForwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, Index j0,
                          Index w, T* fb, std::uint8_t* mask, MatrixT<T>* H);

// Backward for the same block, given df (n) = ∂L/∂F and the forward pass's mask (same X, U):
// dU(j, :) = s w_j v_j with v_j = Σ_i df_i 1[z_ij > 0] x_i for the block's rows of dU (m×d),
// and, unless dw2 is null, dw2(0, j) = s u_j·v_j (= s Σ_i relu(z_ij) df_i).
template <class T>
void TwoLayerBackwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, T s,
                           const T* df, const std::uint8_t* mask, Index j0, Index w, MatrixT<T>& dU,
                           MatrixT<T>* dw2);

}  // namespace marginlab::nn
