// Losses, conjugates and λ conventions of the convex measure problem (see the header).
#include "marginlab/margin/objective.hpp"

#include <algorithm>
#include <cmath>

#include "marginlab/core/error.hpp"

namespace marginlab::margin {

double MeanConventionLambda(double lambda_sum, Index n) { return lambda_sum / static_cast<double>(n); }
double SumConventionLambda(double lambda_mean, Index n) { return lambda_mean * static_cast<double>(n); }
double SumConventionObjective(double mean_objective, Index n) {
  return mean_objective * static_cast<double>(n);
}

namespace {
double Softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }
double Sigmoid(double t) { return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t)); }
double XLogX(double t) { return t > 0 ? t * std::log(t) : 0.0; }
}  // namespace

const std::vector<std::string>& MarginLoss::Names() {
  static const std::vector<std::string> kNames = {"logistic", "squared"};
  return kNames;
}

MarginLoss::MarginLoss(const std::string& name) : logistic_(name == Names()[0]), name_(name) {
  if (name != Names()[0] && name != Names()[1])
    throw InputError("loss: expected " + Names()[0] + " or " + Names()[1] + ", got '" + name + "'");
}

double MarginLoss::Value(double a, double y) const {
  return logistic_ ? Softplus(-y * a) : (a - y) * (a - y);
}
double MarginLoss::Deriv(double a, double y) const {
  return logistic_ ? -y * Sigmoid(-y * a) : 2 * (a - y);
}
double MarginLoss::Curvature(double a, double y) const {
  if (!logistic_) return 2.0;
  const double p = Sigmoid(-y * a);
  return p * (1 - p);
}
double MarginLoss::MaxCurvature() const { return logistic_ ? 0.25 : 2.0; }
double MarginLoss::Conjugate(double v, double y) const {
  if (!logistic_) return v * y + v * v / 4;
  const double t = std::clamp(-y * v, 0.0, 1.0);
  return XLogX(t) + XLogX(1 - t);
}

double MeanLoss(const MarginLoss& loss, const Vector& f, const Vector& y) {
  double s = 0;
  for (Index i = 0; i < f.size(); ++i) s += loss.Value(f[i], y[i]);
  return s / static_cast<double>(f.size());
}

Vector LossGradient(const MarginLoss& loss, const Vector& f, const Vector& y) {
  const double n = static_cast<double>(f.size());
  Vector beta(f.size());
  for (Index i = 0; i < f.size(); ++i) beta[i] = loss.Deriv(f[i], y[i]) / n;
  return beta;
}

double DualValue(const MarginLoss& loss, const Vector& beta, const Vector& y) {
  const double n = static_cast<double>(beta.size());
  double s = 0;
  for (Index i = 0; i < beta.size(); ++i) s += loss.Conjugate(n * beta[i], y[i]);
  return -s / n;
}

}  // namespace marginlab::margin
