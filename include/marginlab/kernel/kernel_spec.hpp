// Which kernel: the options shared by every kernel routine, CLI flag and TOML key.
//
// Kernels (../../docs/kernel.md, ../shared/DESIGN.md §2):
//   ntk        Wei et al. §2 two-layer NTK, scales r_w (output weight w ~ N(0, r_w²)) and
//              r_u (hidden weights u ~ N(0, r_u² I)):
//                K = r_w² ⟨x,x′⟩ (π−θ)/(2π) + r_u² ‖x‖‖x′‖ (sin θ + (π−θ) cos θ)/(2π)
//   relu       the ReLU-feature kernel, ntk with r_w = 0 (Wei et al. F.3, "r1 = 0, r2 = 1")
//   arccos0    Cho & Saul arc-cosine kernel of order 0: 1 − θ/π
//   arccos1    order 1: ‖x‖‖x′‖ (sin θ + (π−θ) cos θ)/π
//   hinf       Ji §3.1: H∞(x,x′) = ⟨x,x′⟩ E_w[1(w·x>0) 1(w·x′>0)] = ⟨x,x′⟩ (π−θ)/(2π)
//   deep-ntk, deep-nngp
//              the infinite-width NTK / NNGP of
//                stax.serial(*[Dense(W_std, b_std), Relu()] * (depth − 1), Dense(W_std, b_std))
//              in the neural-tangents library's conventions (the recursion in closed_form.hpp).
#pragma once

#include <string>
#include <vector>

#include "marginlab/core/types.hpp"

namespace marginlab::kernel {

enum class KernelType { kNtk, kRelu, kArcCos0, kArcCos1, kHInf, kDeepNtk, kDeepNngp };
const char* ToString(KernelType t);
// "ntk" | "relu" | "arccos0" | "arccos1" | "hinf" | "deep-ntk" | "deep-nngp"; InputError names `what`.
KernelType ParseKernelType(const std::string& text, const std::string& what);
// The kernel names in that order: the one list the options, flags and messages use.
const std::vector<std::string>& KernelTypeNames();
// The parameterizations of the NTK-family kernels and networks: "ntk" and "standard".
const std::vector<std::string>& ParameterizationNames();

struct KernelOptions {
  std::string kernel = "ntk";
  double rw = 1.0;  // std of the output weights w (ntk)
  double ru = 1.0;  // std of the hidden weights u (ntk, relu)
  Index depth = 2;  // number of Dense layers (deep-ntk, deep-nngp); depth 2 = one hidden layer
  double w_std = 1.0;
  double b_std = 0.0;  // 0: no bias at all (neural-tangents' b_std=None)
  std::string parameterization = "ntk";  // ntk | standard (deep kernels)
  Index width = 1024;  // hidden width: the standard parameterization's NTK scales with fan-in

  template <class V>
  void Fields(V& v) {
    v("kernel", kernel, "", KernelTypeNames());
    v("rw", rw, "ntk: std r_w of the output weights");
    v("ru", ru, "ntk, relu: std r_u of the hidden weights");
    v("depth", depth, "deep kernels: number of Dense layers (2 = one hidden layer)");
    v("w_std", w_std, "deep kernels: neural-tangents W_std");
    v("b_std", b_std, "deep kernels: neural-tangents b_std (0 = no bias)");
    v("parameterization", parameterization, "deep kernels", ParameterizationNames());
    v("width", width, "deep kernels, standard parameterization: hidden width (fan-in)");
  }
  std::string Validate() const;
  bool standard_parameterization() const { return parameterization == "standard"; }  // else ntk
  // "" when `field` is used by this kernel, else why not (core/params.hpp UnusedField).
  std::string Unused(const std::string& field) const;
  KernelType type() const;
  // A short text such as "ntk(rw=1,ru=1)".
  std::string Describe() const;
};

}  // namespace marginlab::kernel
