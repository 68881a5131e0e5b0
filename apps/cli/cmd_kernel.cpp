// `marginlab kernel gram|fit`: Gram matrices of the NTK family and kernel predictors (ridge also
// matrix-free by Falkon-style preconditioned CG, `--predictor falkon`).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "command.hpp"
#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/npy.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/kernel/falkon.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/kernel_fit.hpp"
#include "marginlab/kernel/kernel_logistic.hpp"
#include "marginlab/kernel/kernel_svm.hpp"
#include "marginlab/kernel/nn_ntk.hpp"
#include "marginlab/kernel/ridge.hpp"
#include "marginlab/kernel/vec_math.hpp"
#include "marginlab/nn/network_file.hpp"

namespace marginlab::cli {
using namespace marginlab::kernel;

namespace {

// The closed-form kernel's flags (--kernel, --rw, --ru, --depth, --w-std, --b-std,
// --parameterization, --width), generated from KernelOptions::Fields, and the options they give.
void AddKernelOptions(CLI::App& cmd, FieldFlags* flags) {
  AddFieldFlags(cmd, *flags, DescribeFields(KernelOptions{}), {.config = false, .doc_prefix = "", .flag_prefix = ""});
}
KernelOptions KernelFromFlags(const FieldFlags& flags, const std::string& command) {
  (void)command;
  KernelOptions k;
  ApplyFieldFlags(flags, k);  // one flag at a time; a flag the kernel does not use is refused
  return k;
}

struct GramArgs {
  std::string data, data2, out;
  FieldFlags kernel_flags;  // --kernel, --rw, …: not used with --net
  KernelOptions kernel;     // from kernel_flags, when the command runs
  std::string net, net_key = "final";      // empirical NTK of a network saved by train --save
  long net_trial = 0;
  Index net_output = 0;
  CLI::Option *net_key_flag = nullptr, *net_trial_flag = nullptr, *net_output_flag = nullptr;
  bool json = false;
};

void RunGram(GramArgs& a) {
  const bool net = !a.net.empty();
  a.kernel = KernelFromFlags(a.kernel_flags, "kernel gram");
  if (net) {
    RefuseGivenFlags(a.kernel_flags, "a closed-form kernel option; with --net the kernel is the network's empirical NTK");
    ML_REQUIRE(a.net_key == "init" || a.net_key == "final")
        << "--net-key: expected init or final, got '" << a.net_key << "'";
  } else {
    for (const CLI::Option* o : {a.net_key_flag, a.net_trial_flag, a.net_output_flag})
      ML_REQUIRE(o->count() == 0) << o->get_name() << ": only used with --net";
    ValidateOrThrow(a.kernel, "kernel gram");
  }
  nn::Network network;
  if (net) {
    network = nn::NetworkFile::Read(a.net).Load(a.net_key, a.net_trial);
    ML_REQUIRE(a.net_output >= 0 && a.net_output < network.output_dim())
        << "--output: " << a.net_output << " requested, " << a.net << " has " << network.output_dim() << " output(s)";
  }
  const Dataset A = LoadData(a.data, "--data");
  if (net)
    ML_REQUIRE(A.d() == network.input_dim()) << "--data: " << A.d() << " features, but the network in " << a.net
                                             << " has input dimension " << network.input_dim();
  Dataset B;
  if (!a.data2.empty()) {
    B = LoadData(a.data2, "--data2");
    ML_REQUIRE(B.d() == A.d()) << "--data2: " << B.d() << " features, but --data has " << A.d();
  }
  Stopwatch sw;
  Matrix K;
  if (net)
    K = a.data2.empty() ? EmpiricalNtk(network, A.X, a.net_output) : EmpiricalNtk(network, A.X, B.X, a.net_output);
  else
    K = a.data2.empty() ? Gram(a.kernel, A.X) : CrossGram(a.kernel, A.X, B.X);
  const double seconds = sw.Seconds();
  const std::string description =
      net ? "empirical NTK of " + network.Describe() + " from " + a.net + " (" + a.net_key + ", trial " +
                std::to_string(a.net_trial) + ", output " + std::to_string(a.net_output) + ")"
          : a.kernel.Describe();
  AtomicFile f(a.out);
  const std::string bytes = EncodeNpy(K);
  f.Write(bytes.data(), bytes.size());
  f.Commit();
  const double entries = static_cast<double>(K.rows()) * static_cast<double>(K.cols());
  if (a.json) {
    nlohmann::json j = {{"kernel", net ? "empirical-ntk" : a.kernel.Describe()},
                        {"rows", K.rows()},
                        {"cols", K.cols()},
                        {"d", A.d()},
                        {"out", a.out},
                        {"seconds", seconds},
                        {"entries_per_second", seconds > 0 ? entries / seconds : 0.0}};
    if (net)
      j["net"] = {{"path", a.net},          {"key", a.net_key},
                  {"trial", a.net_trial},   {"output", a.net_output},
                  {"dims", network.dims()}, {"output_scale", network.output_scale},
                  {"frozen_output", network.frozen_output}};
    else
      j["vector_path"] = GramVectorPath(a.kernel);
    PrintJson(j);
  } else {
    std::cout << "wrote " << K.rows() << "x" << K.cols() << " Gram matrix of " << description << " to " << a.out
              << " (" << seconds << " s)\n";
  }
}


struct FitArgs {
  std::string data, test_data, lambdas, save_predictions;
  double lambda = 1e-3;
  FieldFlags fit_flags;     // --predictor, --multiclass (KernelFitOptions)
  FieldFlags kernel_flags;  // --kernel, --rw, … (KernelOptions)
  FieldFlags svm_flags;     // --C, --bias (KernelSvmOptions)
  FieldFlags logistic_flags;  // --logistic-tol, --logistic-max-iterations (KernelLogisticOptions but lambda)
  FieldFlags falkon;  // every FalkonOptions field but lambda (that is --lambda/--lambdas), no --config
  bool json = false;
};

std::vector<double> LambdaList(const FitArgs& a) {
  if (!a.lambdas.empty()) {
    std::vector<double> out = ParseDoubleList(a.lambdas, "--lambdas", ',');
    ML_REQUIRE(!out.empty()) << "--lambdas: expected a comma-separated list of numbers";
    for (double l : out) ML_REQUIRE(l >= 0) << "--lambdas: every lambda must be >= 0, got " << l;
    return out;
  }
  return {a.lambda};
}

// FalkonOptions from the generated flags, one flag at a time so that a bad value is an error
// naming its flag; λ from --lambda/--lambdas, which must be > 0 here.
FalkonOptions FalkonFromFlags(const FitArgs& a, double lambda, Index n) {
  FalkonOptions o;
  ApplyFieldFlags(a.falkon, o);
  ML_REQUIRE(lambda > 0 && std::isfinite(lambda))
      << (a.lambdas.empty() ? "--lambda" : "--lambdas") << ": --predictor falkon solves (K + lambda I) beta = y "
      << "iteratively and needs lambda > 0, got " << lambda << " (for lambda = 0 use --predictor interp or ridge)";
  if (!a.falkon.Given("centers")) o.centers = std::min(o.centers, n);  // the default (1000) is capped at n
  ML_REQUIRE(o.centers <= n) << "--centers: " << o.centers << " Nystrom centers requested, but --data has only " << n
                             << " examples (centers are drawn from the training examples)";
  o.lambda = lambda;
  return o;
}

std::string FalkonStoppingRule(const FalkonOptions& o) {
  std::ostringstream s;
  s << "||y - (K + lambda I) beta|| / ||y|| <= " << o.tol << " (PCG recurrence residual) or " << o.max_iterations
    << " iterations";
  return s.str();
}

void RunFit(const FitArgs& a) {
  KernelFitOptions o;
  ApplyFieldFlags(a.fit_flags, o);
  ApplyFieldFlags(a.svm_flags, o.svm);
  ApplyFieldFlags(a.logistic_flags, o.logistic);
  o.kernel = KernelFromFlags(a.kernel_flags, "kernel fit");
  ValidateOrThrow(o.kernel, "kernel fit");  // before the data are read
  const Dataset train = LoadData(a.data, "--data");
  std::optional<Dataset> test;
  if (!a.test_data.empty()) test = LoadData(a.test_data, "--test-data");
  o.lambdas = LambdaList(a);
  const bool falkon = o.predictor == "falkon";
  if (!falkon) RefuseGivenFlags(a.falkon, "only used with --predictor falkon (got --predictor " + o.predictor + ")");
  if (o.predictor != "logistic")
    RefuseGivenFlags(a.logistic_flags, "only used with --predictor logistic (got --predictor " + o.predictor + ")");
  ML_REQUIRE(a.save_predictions.empty() || test) << "--save-predictions: needs --test-data";
  const Index n = train.n();
  if (falkon)  // checks every flag and lambda before any work
    for (double lam : o.lambdas) o.falkon = FalkonFromFlags(a, lam, n);
  const KernelFitSummary fit = FitKernelPredictors(o, train, test ? &*test : nullptr);
  if (!a.save_predictions.empty()) {  // test scores, one column per (lambda, output), biases added
    AtomicFile file(a.save_predictions);
    const std::string bytes = EncodeNpy(fit.test_scores);
    file.Write(bytes.data(), bytes.size());
    file.Commit();
  }
  nlohmann::json out = {{"kernel", o.kernel.Describe()},
                        {"predictor", o.predictor},
                        {"n_train", n},
                        {"n_test", test ? test->n() : 0},
                        {"d", train.d()},
                        {"label_kind", ToString(train.kind)}};
  AddFieldsJson(fit, out);  // outputs, the phases' seconds and the fits: the Python dict's keys
  if (falkon)
    out["falkon"] = {{"centers", std::min(o.falkon.centers, n)},
                     {"tol", o.falkon.tol},
                     {"max_iterations", o.falkon.max_iterations},
                     {"seed", o.falkon.seed},
                     {"stopping_rule", FalkonStoppingRule(o.falkon)}};
  if (!a.save_predictions.empty()) out["predictions"] = a.save_predictions;
  if (a.json) {
    PrintJson(out);
    return;
  }
  std::cout << "kernel " << o.kernel.Describe() << ", predictor " << o.predictor << ", n = " << n
            << (test ? ", n_test = " + std::to_string(test->n()) : std::string()) << "\n";
  if (falkon)
    std::cout << "  falkon: " << std::min(o.falkon.centers, n) << " Nystrom centers (seed " << o.falkon.seed
              << "), stopping rule " << FalkonStoppingRule(o.falkon) << "\n";
  for (const auto& r : out["fits"]) {  // the keys that apply to these labels
    std::cout << "  ";
    for (const auto& [key, value] : r.items())
      if (key != "solver" && !value.is_null()) std::cout << key << "=" << value.dump() << "  ";
    std::cout << "\n";
  }
}

}  // namespace

void RegisterKernel(CLI::App& app) {
  auto* kernel = app.add_subcommand("kernel", "Kernels of the NTK family and kernel predictors");
  kernel->require_subcommand(1);

  auto gram = std::make_shared<GramArgs>();
  auto* g = kernel->add_subcommand("gram", "Write the Gram matrix K(A, A) or K(A, B) as .npy");
  AddDataOption(*g, &gram->data);
  AddDataOption(*g, &gram->data2, "--data2", false);
  AddKernelOptions(*g, &gram->kernel_flags);
  g->add_option("--net", gram->net,
                "instead of a closed form: the empirical NTK <grad f(x), grad f(x')> of a network saved by "
                "`marginlab train --save` (.npz; any depth and scaling; a frozen output layer adds no term)");
  gram->net_key_flag = g->add_option("--net-key", gram->net_key, "--net: which parameters, init | final")
                           ->capture_default_str();
  gram->net_trial_flag =
      g->add_option("--net-trial", gram->net_trial, "--net: trial index when the file holds several (train --trials)")
          ->capture_default_str();
  gram->net_output_flag =
      g->add_option("--output", gram->net_output, "--net: output component c of f (networks with several outputs)")
          ->capture_default_str();
  g->add_option("--out", gram->out, "output .npy file (float64, rows of --data)")->required();
  g->add_flag("--json", gram->json, "machine-readable summary");
  g->callback([gram] { RunGram(*gram); });

  auto fit = std::make_shared<FitArgs>();
  auto* f = kernel->add_subcommand("fit", "Train a kernel predictor; report errors, RKHS norm and margin");
  AddDataOption(*f, &fit->data);
  AddDataOption(*f, &fit->test_data, "--test-data", false);
  AddKernelOptions(*f, &fit->kernel_flags);
  AddFieldFlags(*f, fit->fit_flags, DescribeFields(KernelFitOptions{}), {.config = false, .doc_prefix = "", .flag_prefix = ""});
  f->add_option("--lambda", fit->lambda,
                "ridge, falkon: (K + lambda I) beta = y; logistic: mean loss + lambda/2 ||f||^2")
      ->capture_default_str();
  f->add_option("--lambdas", fit->lambdas,
                "a comma-separated lambda path (ridge: one eigendecomposition; falkon: one solve each)")
      ->check(NonEmptyText());
  std::vector<FieldInfo> falkon_fields = DescribeFields(FalkonOptions{});
  std::erase_if(falkon_fields, [](const FieldInfo& info) { return info.name == "lambda"; });
  AddFieldFlags(*f, fit->falkon, falkon_fields, {.config = false, .doc_prefix = "falkon: ", .flag_prefix = ""});
  f->add_option("--save-predictions", fit->save_predictions,
                "write the test scores as .npy (n_test x (lambdas x outputs), biases added)");
  AddFieldFlags(*f, fit->svm_flags, SelectFields(DescribeFields(KernelSvmOptions{}), {"C", "bias"}),
                {.config = false, .doc_prefix = "svm: ", .flag_prefix = ""});
  AddFieldFlags(*f, fit->logistic_flags, SelectFields(DescribeFields(KernelLogisticOptions{}), {"tol", "max_iterations"}),
                {.config = false, .doc_prefix = "logistic: ", .flag_prefix = "logistic-"});
  f->add_flag("--json", fit->json, "machine-readable output");
  f->callback([fit] { RunFit(*fit); });
}

}  // namespace marginlab::cli
