// A C++ user's program (see CMakeLists.txt): data from a generator spec, Θ_λ by column
// generation with its certificate, a two-layer net trained by gradient descent on the same
// objective, and the check the certificate promises — no trained net's objective is below the
// certified lower end. Also lists the built-in experiments, found from the install prefix.
#include <cmath>
#include <cstdio>
#include <exception>

#include "marginlab/marginlab.hpp"  // the umbrella header: every public header

int main() try {
  using namespace marginlab;
  std::printf("marginlab %s, data files in %s\n", Version().c_str(), DataDir().c_str());
  std::printf("built-in experiments: %zu\n", experiment::ListExperimentFiles().size());
  if (experiment::ListExperimentFiles().empty()) return 1;

  const Dataset train = LoadData("linear:n=40,d=3,margin=0.1,seed=3", "consumer");
  const Matrix X = train.X;  // allocated here, used by the library
  const Vector y = train.y;

  margin::CertifyOptions c;
  c.lambda = 0.01;
  const margin::GlobalOptimumResult opt = margin::GlobalOptimum(X, y, c);
  std::printf("Θ_λ: objective %.6g, lower end %.6g (%s)\n", opt.upper, opt.lower,
              opt.certified ? "certified" : "estimate");

  nn::TrainOptions o;
  o.width = {32};
  o.lambda = c.lambda;
  o.lr = 0.2;
  o.steps = 400;
  o.log_points = 5;
  o.seed = 1;
  const auto runs = nn::Train(o, train);
  const double net = nn::EvalObjective(o, runs.at(0).shape, runs.at(0).final, train).objective;
  std::printf("GD net: objective %.6g after %ld steps\n", net, runs.at(0).steps_done);

  const bool ok = opt.certified && std::isfinite(net) && net >= opt.lower - 1e-9 * std::abs(opt.lower) &&
                  opt.upper >= opt.lower && net < 1.0;
  std::printf("%s\n", ok ? "consumer: ok" : "consumer: FAILED");
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "consumer: %s\n", e.what());
  return 1;
}
