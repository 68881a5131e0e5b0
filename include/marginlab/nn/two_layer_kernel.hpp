// Fused kernels for one block of hidden units of the two-layer, scalar-output network
// f(x) = s Σ_j w_j relu(u_j·x) (mlp.hpp), used by MlpForward / MlpBackward.
//
// Why by hand: with the papers' shapes the first product Z = X Uᵀ has an inner dimension of
// only d (≈ 20). A general GEMM (Eigen, OpenBLAS) packs both operands and zeroes Z before
// accumulating, then relu, the output sum and the masks are separate passes over n×m
// numbers; measured, that left the step at 15% of the GEMM peak (bench/nn_step_bench.cpp).
// No library offers a small-K GEMM with these epilogues, so the block kernels here keep Z in
// registers: for 8 examples × 2 vectors of units at a time, z = Σ_k x_k u_k (d FMAs on
// registers), then relu and the output (forward), or the mask and the dW_2 sum (backward),
// without writing Z anywhere. The backward pass recomputes Z with the same code (so it is
// bitwise the forward's Z), writes G = s w_j f′_i 1[z_ij > 0] for the block to a cache-sized
// buffer, and forms dU_b = Gᵀ X with register accumulators.
//
// Vectors are GCC vector extensions of 64 bytes (8 doubles / 16 floats; the compiler uses
// AVX-512 with -march=native, two AVX2 registers otherwise). Every sum runs in a fixed order
// that depends only on the shapes, so results are identical for any thread count and for a
// trial trained alone or in a batch.
#pragma once

#include "marginlab/core/types.hpp"

namespace marginlab::nn::detail {

// Block [j0, j0 + w) of the hidden units (w ≤ kUnitBlock). X is n×d, U = W_1 (m×d), w2 = W_2
// (1×m). Forward: fb[i] = Σ_{j in block} w_j relu(z_ij) (without s); if H is not null, also
// H(i, j) = relu(z_ij) for the block's columns of H (n×m).
template <class T>
void TwoLayerForwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, Index j0,
                          Index w, T* fb, MatrixT<T>* H);

// Backward for the same block, given df (n) = ∂L/∂F: dU(j, :) = Σ_i g_ij x_i with
// g_ij = s w_j df_i 1[z_ij > 0] for the block's rows of dU (m×d), and, unless dw2 is null,
// dw2(0, j) = s Σ_i relu(z_ij) df_i.
template <class T>
void TwoLayerBackwardBlock(const MatrixT<T>& X, const MatrixT<T>& U, const MatrixT<T>& w2, T s,
                           const T* df, Index j0, Index w, MatrixT<T>& dU, MatrixT<T>* dw2);

}  // namespace marginlab::nn::detail
