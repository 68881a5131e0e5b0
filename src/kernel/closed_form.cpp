// Scalar closed forms (closed_form.hpp): Wei et al. §2 NTK family, arc-cosine kernels, Ji's H∞,
// and the neural-tangents deep ReLU NNGP/NTK recursion.
#include "marginlab/kernel/closed_form.hpp"

#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab::kernel {
namespace {
constexpr double kPi = 3.14159265358979323846;
}

double AngleBetween(const Vector& x, const Vector& y) {
  const double a = x.norm(), b = y.norm();
  if (a == 0 || b == 0) return kPi / 2;
  const Vector u = x / a, v = y / b;
  return 2.0 * std::atan2((u - v).norm(), (u + v).norm());
}

DotKernelCoeffs TwoLayerCoeffs(const KernelOptions& o) {
  DotKernelCoeffs c;
  const double r2w = o.rw * o.rw, r2u = o.ru * o.ru;
  switch (o.type()) {
    case KernelType::kNtk: c.A = (r2w + r2u) / (2 * kPi); c.B = r2u / (2 * kPi); break;
    case KernelType::kRelu: c.A = c.B = r2u / (2 * kPi); break;
    case KernelType::kArcCos0: c.C = 1 / kPi; break;
    case KernelType::kArcCos1: c.A = c.B = 1 / kPi; break;
    case KernelType::kHInf: c.A = 1 / (2 * kPi); break;
    default: ML_CHECK(false) << "TwoLayerCoeffs called for a deep kernel";
  }
  return c;
}

double SinMinusThetaCos(double sin_t, double cos_t, double theta) {
  if (theta >= 0.5) return sin_t - theta * cos_t;
  // Σ_{k≥1} (−1)^{k+1} 2k θ^{2k+1}/(2k+1)!, truncated at k = 9 (relative error < 1e-18 for θ < 0.5).
  const double t2 = theta * theta;
  double sum = 0;
  for (int k = 9; k >= 1; --k) {
    double c = 2.0 * k;
    for (int j = 2; j <= 2 * k + 1; ++j) c /= j;
    sum = (k % 2 ? c : -c) + t2 * sum;
  }
  return sum * t2 * theta;
}

double PiMinusJ(double sin_t, double cos_t, double theta) {
  // π − J = π (1 − cos θ) − (sin θ − θ cos θ); 1 − cos θ = sin²θ/(1 + cos θ) when cos θ > 0.
  const double one_minus_cos = cos_t > 0 ? sin_t * sin_t / (1 + cos_t) : 1 - cos_t;
  return kPi * one_minus_cos - SinMinusThetaCos(sin_t, cos_t, theta);
}

DeepKernelValue DeepKernelDiagonal(const KernelOptions& o, Index d, double n1) {
  const double w2 = o.w_std * o.w_std, b2 = o.b_std * o.b_std;
  const bool standard = o.standard_parameterization();
  double q = n1 / d, ntk = 0;
  for (Index layer = 0; layer < o.depth; ++layer) {
    const double fan_in = layer == 0 ? static_cast<double>(d) : static_cast<double>(o.width);
    if (standard) ntk = fan_in * q + (o.b_std > 0 ? 1.0 : 0.0) + w2 * ntk;
    q = w2 * q + b2;
    if (!standard) ntk = q + w2 * ntk;
    if (layer + 1 < o.depth) {  // Relu at θ = 0: Σ̇ = 1/2
      q = q / 2;
      ntk = ntk / 2;
    }
  }
  return {q, ntk};
}

DeepKernelValue DeepKernelPair(const KernelOptions& o, Index d, double n1, double n2, double g,
                               double s) {
  const double w2 = o.w_std * o.w_std, b2 = o.b_std * o.b_std;
  const bool standard = o.standard_parameterization();
  const double a = std::sqrt(n1), b = std::sqrt(n2), ab = a * b;
  double q11 = n1 / d, q22 = n2 / d, q12 = g / d, ntk = 0;
  // D = q11 q22 − q12², E = q11 + q22 − 2 q12, cancellation-free at the input:
  // E·d = (a−b)² + 4ab sin²(θ/2), 4ab sin²(θ/2) = 2s²/(ab+g) (g > 0) or 2(ab − g).
  double D = (s / d) * (s / d);
  double E = ((a - b) * (a - b) + (g > 0 ? 2 * s * s / (ab + g) : 2 * (ab - g))) / d;
  for (Index layer = 0; layer < o.depth; ++layer) {
    const double fan_in = layer == 0 ? static_cast<double>(d) : static_cast<double>(o.width);
    if (standard) ntk = fan_in * q12 + (o.b_std > 0 ? 1.0 : 0.0) + w2 * ntk;
    q11 = w2 * q11 + b2;
    q22 = w2 * q22 + b2;
    q12 = w2 * q12 + b2;
    D = w2 * w2 * D + w2 * b2 * E;
    E = w2 * E;
    if (!standard) ntk = q12 + w2 * ntk;
    if (layer + 1 == o.depth) break;
    // Relu.
    const double r1 = std::sqrt(q11), r2 = std::sqrt(q22), r = r1 * r2;
    const double sd = std::sqrt(D);
    const double theta = std::atan2(sd, q12);
    const double sin_t = r > 0 ? sd / r : 0, cos_t = r > 0 ? q12 / r : 1;
    const double pmj = PiMinusJ(sin_t, cos_t, theta);
    const double J = kPi - pmj;
    const double q12n = r * J / (2 * kPi);
    D = r * r * pmj * (kPi + J) / (4 * kPi * kPi);
    E = (r1 - r2) * (r1 - r2) / 2 + r * pmj / kPi;
    ntk = ntk * (kPi - theta) / (2 * kPi);
    q11 /= 2;
    q22 /= 2;
    q12 = q12n;
  }
  return {q12, ntk};
}

double KernelReference(const KernelOptions& o, const Vector& x, const Vector& y) {
  ML_CHECK(x.size() == y.size()) << "dimension mismatch";
  double n1 = 0, n2 = 0, g = 0;
  for (Index k = 0; k < x.size(); ++k) {
    n1 += x[k] * x[k];
    n2 += y[k] * y[k];
    g += x[k] * y[k];
  }
  const KernelType t = o.type();
  if ((n1 == 0 || n2 == 0) && t != KernelType::kDeepNtk && t != KernelType::kDeepNngp) return 0.0;
  const double theta = (n1 == 0 || n2 == 0) ? kPi / 2 : AngleBetween(x, y);
  const double s = std::sqrt(n1) * std::sqrt(n2) * std::sin(theta);
  if (t == KernelType::kDeepNtk || t == KernelType::kDeepNngp) {
    const DeepKernelValue v = DeepKernelPair(o, x.size(), n1, n2, g, s);
    return t == KernelType::kDeepNtk ? v.ntk : v.nngp;
  }
  return TwoLayerFromAngle(TwoLayerCoeffs(o), g, s, theta);
}

}  // namespace marginlab::kernel
