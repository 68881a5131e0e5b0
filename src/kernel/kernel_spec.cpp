// Kernel names and option checks (kernel_spec.hpp).
#include "marginlab/kernel/kernel_spec.hpp"

#include <cmath>
#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab::kernel {

const char* ToString(KernelType t) {
  switch (t) {
    case KernelType::kNtk: return "ntk";
    case KernelType::kRelu: return "relu";
    case KernelType::kArcCos0: return "arccos0";
    case KernelType::kArcCos1: return "arccos1";
    case KernelType::kHInf: return "hinf";
    case KernelType::kDeepNtk: return "deep-ntk";
    case KernelType::kDeepNngp: return "deep-nngp";
  }
  return "?";
}

namespace {
constexpr KernelType kKernelTypes[] = {KernelType::kNtk,  KernelType::kRelu,    KernelType::kArcCos0,
                                       KernelType::kArcCos1, KernelType::kHInf, KernelType::kDeepNtk,
                                       KernelType::kDeepNngp};
}  // namespace

const std::vector<std::string>& KernelTypeNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> v;
    for (KernelType t : kKernelTypes) v.emplace_back(ToString(t));
    return v;
  }();
  return kNames;
}

const std::vector<std::string>& ParameterizationNames() {
  static const std::vector<std::string> kNames = {"ntk", "standard"};
  return kNames;
}

KernelType ParseKernelType(const std::string& text, const std::string& what) {
  for (KernelType t : kKernelTypes)
    if (text == ToString(t)) return t;
  throw InputError(what + ": expected " + JoinWords(KernelTypeNames()) + ", got '" + text + "'");
}

std::string KernelOptions::Validate() const {
  try {
    ParseKernelType(kernel, "kernel");
  } catch (const InputError& e) {
    return e.what();
  }
  if (!std::isfinite(rw) || rw < 0) return "rw must be finite and >= 0";
  if (!std::isfinite(ru) || ru < 0) return "ru must be finite and >= 0";
  if (depth < 1 || depth > 10'000) return "depth must be from 1 to 10000";
  if (!std::isfinite(w_std) || w_std <= 0) return "w_std must be finite and > 0";
  if (!std::isfinite(b_std) || b_std < 0) return "b_std must be finite and >= 0";
  if (!IsChoice(ParameterizationNames(), parameterization))
    return "parameterization must be " + JoinWords(ParameterizationNames()) + ", got '" + parameterization + "'";
  if (width < 1) return "width must be >= 1";
  return "";
}

std::string KernelOptions::Unused(const std::string& field) const {
  const KernelType t = type();
  const bool deep = t == KernelType::kDeepNtk || t == KernelType::kDeepNngp;
  const std::string with = " (kernel = " + kernel + ")";
  if (field == "rw" && t != KernelType::kNtk) return "is only used by kernel ntk" + with;
  if (field == "ru" && t != KernelType::kNtk && t != KernelType::kRelu) return "is only used by kernels ntk and relu" + with;
  if ((field == "depth" || field == "w_std" || field == "b_std" || field == "parameterization") && !deep)
    return "is only used by the deep kernels deep-ntk and deep-nngp" + with;
  if (field == "width" && !(deep && parameterization == "standard"))
    return "is only used by the deep kernels with parameterization standard" +
           (deep ? " (parameterization = " + parameterization + ")" : with);
  return "";
}

KernelType KernelOptions::type() const { return ParseKernelType(kernel, "kernel"); }

std::string KernelOptions::Describe() const {
  std::ostringstream o;
  o << kernel;
  switch (type()) {
    case KernelType::kNtk: o << "(rw=" << FormatDouble(rw) << ",ru=" << FormatDouble(ru) << ")"; break;
    case KernelType::kRelu: o << "(ru=" << FormatDouble(ru) << ")"; break;
    case KernelType::kDeepNtk:
    case KernelType::kDeepNngp:
      o << "(depth=" << depth << ",w_std=" << FormatDouble(w_std) << ",b_std=" << FormatDouble(b_std)
        << "," << parameterization;
      if (parameterization == "standard") o << ",width=" << width;
      o << ")";
      break;
    default: break;
  }
  return o.str();
}

}  // namespace marginlab::kernel
