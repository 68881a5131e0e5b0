// `marginlab certify`: the optimality gap of a trained two-layer network on the
// l2-regularized objective, and with --global the global optimum Θ_λ itself
// (docs/margin.md). A value is called a bound only when it is certified (an
// exact or branch-and-bound oracle); with the heuristic oracle it is an
// estimate, in the text and in the JSON (`lower_estimate`, `certified: false`).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include "command.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/two_layer.hpp"
#include "marginlab/nn/network_file.hpp"

namespace marginlab::cli {
namespace {

using namespace marginlab::margin;

struct CertifyArgs {
  std::string data, test_data, params, key = "final", save;
  long trial = 0;
  FieldFlags flags;  // CertifyOptions' fields (--loss, --lambda, --oracle, --max-rounds, …)
  CertifyOptions opts;  // from the flags, when the command runs
  bool global = false, json = false, other_objective = false;
};

// The same λ up to the digits a person types (the file holds λ exactly; meanfield's λ/n may not
// be a short decimal).
bool SameLambda(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }

// λ and the loss certified: the saved network's objective (nn/network_file.hpp) unless there is
// none, a flag that agrees with it, or flags with --other-objective. Returns where they came from.
std::string ResolveObjective(CertifyArgs& a, const std::optional<nn::SavedObjective>& saved) {
  const bool lambda_given = a.flags.Given("lambda"), loss_given = a.flags.Given("loss");
  if (!saved) {
    ML_REQUIRE(lambda_given) << "certify: --lambda is required"
                             << (a.params.empty() ? "" : " (" + a.params + " holds no objective: meta/objective)");
    return "flags";
  }
  const std::string file = a.params + " (meta/objective)";
  if (a.other_objective) {
    ML_REQUIRE(lambda_given) << "certify --other-objective: give --lambda (and --loss) of the objective to judge "
                             << a.params << " on";
    return "flags (--other-objective; the network was saved for " + saved->loss + " loss, λ = " +
           std::to_string(saved->lambda) + ")";
  }
  ML_REQUIRE(!lambda_given || SameLambda(a.opts.lambda, saved->lambda))
      << "certify: --lambda " << a.opts.lambda << " differs from λ = " << saved->lambda << " in " << file
      << "; drop --lambda, or add --other-objective to judge the network on another objective";
  ML_REQUIRE(!loss_given || a.opts.loss == saved->loss)
      << "certify: --loss " << a.opts.loss << " differs from the loss '" << saved->loss << "' in " << file
      << "; drop --loss, or add --other-objective to judge the network on another objective";
  ML_REQUIRE(saved->reg_power == 2)
      << "certify: " << file << " says the network was trained with λ‖Θ‖^" << saved->reg_power
      << "; certificates are for λ‖Θ‖² (add --other-objective --lambda λ to judge it on that objective)";
  ML_REQUIRE(std::count(MarginLoss::Names().begin(), MarginLoss::Names().end(), saved->loss) > 0)
      << "certify: " << file << " says the network was trained on the " << saved->loss << " loss; certificates are for "
      << JoinWords(MarginLoss::Names(), ", ", " or ") << " (add --other-objective --loss … --lambda λ)";
  a.opts.lambda = saved->lambda;
  a.opts.loss = saved->loss;
  return "file";
}

// The gap certificate's keys of `certify --json` (beside "network", "params"): its Fields, the
// headline "value" (the gap) and what the bracket is of.
void AddGapJson(const GapCertificate& c, nlohmann::json& j) {
  AddFieldsJson(c, j);
  j["value"] = c.gap;
  j["bracket_of"] = "the global minimum over all widths >= n+1";
}

// `certify --json`'s "global" object: Θ_λ, its bracket and how the solve ended.
nlohmann::json GlobalJson(const GlobalOptimumResult& g, nlohmann::json network) {
  nlohmann::json j;
  AddFieldsJson(g, j);
  j["network"] = std::move(network);
  return j;
}

// The human-readable report of what RunCertify computed (j: its JSON, for the network summaries).
void PrintCertify(const CertifyArgs& a, const std::string& objective_from, const GapCertificate* c,
                  const TwoLayerNet* net, const GlobalOptimumResult* g, bool has_test, const nlohmann::json& j) {
  std::cout << a.opts.loss << " loss, λ = " << a.opts.lambda
            << (objective_from == "file" ? " (from " + a.params + ")" : "") << "\n";
  if (c) {
    std::cout << "objective L(Θ) = " << c->objective << "  (data loss " << c->data_loss << ", width "
              << net->width() << ")\n";
    if (c->certified)
      std::cout << "global minimum ≥ " << c->lower_bound << "  → optimality gap ≤ " << c->gap
                << "  [certified, oracle " << c->oracle_mode << "]\n";
    else
      std::cout << "dual estimate " << c->lower_bound << "  → estimated gap " << c->gap
                << "  [heuristic oracle: an estimate, not a bound]\n";
  }
  if (!g) return;
  std::cout << "global optimum Θ_λ: objective " << g->upper << ", width " << g->network.width() << ", "
            << g->rounds << " rounds (" << ToString(g->termination) << ")\n";
  if (g->certified)
    std::cout << "  certified: global minimum ∈ [" << g->lower << ", " << g->upper << "]\n";
  else
    std::cout << "  dual estimate " << g->lower << " (heuristic oracle: an estimate, not a bound)\n";
  const auto& nj = j["global"]["network"];
  std::cout << "  train error " << nj["train_error"];
  if (has_test) std::cout << ", test error " << nj["test_error"] << ", test loss " << nj["test_loss"];
  std::cout << "\n";
  if (!a.save.empty()) std::cout << "  saved the network to " << a.save << "\n";
}

void RunCertify(CertifyArgs& a) {
  ML_REQUIRE(!a.params.empty() || a.global)
      << "certify: give --params NET.npz (the gap of a trained network) and/or --global (the global optimum)";
  ML_REQUIRE(a.save.empty() || a.global) << "--save: writes the global optimum's network; add --global";
  ApplyFieldFlags(a.flags, a.opts);
  // The network file and the objective are read and checked before the data and any solve.
  std::optional<nn::NetworkFile> file;
  if (!a.params.empty()) file = nn::NetworkFile::Read(a.params);
  const std::string objective_from = ResolveObjective(a, file ? file->objective() : std::nullopt);
  ValidateOrThrow(a.opts, "certify");
  const Dataset ds = LoadData(a.data, "--data");
  std::optional<Dataset> test;
  if (!a.test_data.empty()) {
    test = LoadData(a.test_data, "--test-data");
    ML_REQUIRE(test->d() == ds.d()) << "--test-data: " << test->source << " has " << test->d()
                                    << " features, --data has " << ds.d();
  }
  const Dataset* test_ptr = test ? &*test : nullptr;
  // The network is read and checked against the data before any solve (which can take minutes).
  std::optional<TwoLayerNet> net;
  if (file) {
    net = LoadTwoLayerNet(*file, a.key, a.trial);
    ML_REQUIRE(net->U.cols() == ds.d()) << a.params << ": the network has input dimension " << net->U.cols()
                                        << ", the data " << ds.source << " have " << ds.d() << " features";
  }
  nlohmann::json j = {{"command", "certify"},      {"data", ds.source},
                      {"loss", a.opts.loss},       {"lambda", a.opts.lambda},
                      {"objective_from", objective_from}};
  if (file && file->objective())
    j["saved_objective"] = nlohmann::json::parse(file->objective()->ToJson());
  std::optional<GapCertificate> c;
  if (net) {
    c = CertifyNetwork(*net, ds.X, ds.y, a.opts);
    j["params"] = a.params;
    j["network"] = NetworkJson(*net, ds, test_ptr, a.opts.loss);
    AddGapJson(*c, j);
  }
  std::optional<GlobalOptimumResult> g;
  if (a.global) {
    ML_REQUIRE(!net || net->output_scale == 1.0) << "certify --global: the global optimum is computed for "
                                                    "the standard parameterization (output scale 1)";
    g = GlobalOptimum(ds.X, ds.y, a.opts);
    nlohmann::json gj = GlobalJson(*g, NetworkJson(g->network, ds, test_ptr, a.opts.loss));
    if (c) gj["objective_minus_global"] = c->objective - g->upper;
    if (!a.save.empty()) {
      SaveTwoLayerNet(a.save, g->network, nn::SavedObjective{a.opts.loss, a.opts.lambda, 2, "standard", a.data,
                                                             "certify --global"});
      gj["saved"] = a.save;
    }
    j["global"] = gj;
    if (!net) {
      j["value"] = g->upper;
      j["bracket"] = gj["bracket"];
      j["bracket_of"] = "the global minimum over all widths >= n+1";
      j["certified"] = g->certified;
    }
  }
  if (a.json) return PrintJson(j);
  PrintCertify(a, objective_from, c ? &*c : nullptr, net ? &*net : nullptr, g ? &*g : nullptr, test.has_value(), j);
}

}  // namespace

void RegisterCertify(CLI::App& app) {
  auto a = std::make_shared<CertifyArgs>();
  auto* c = app.add_subcommand(
      "certify", "Optimality gap of a trained two-layer network, and the global optimum (l2-regularized loss)");
  c->add_option("--params", a->params, "network (.npz from marginlab train --save)");
  AddDataOption(*c, &a->data);
  AddDataOption(*c, &a->test_data, "--test-data", false);
  AddFieldFlags(*c, a->flags, DescribeFields(CertifyOptions{}), {.config = false, .doc_prefix = "", .flag_prefix = ""});
  for (const char* name : {"lambda", "loss"}) {  // with --params, the objective saved with the network
    CLI::Option* o = a->flags.options[a->flags.Find(name)];
    o->description(o->get_description() + "; with --params: the one saved with the network");
  }
  c->add_flag("--other-objective", a->other_objective,
              "judge the --params network on --lambda/--loss although it was saved for another objective");
  c->add_option("--key", a->key, "npz prefix of the network (final, init)");
  c->add_option("--trial", a->trial, "trial index in a multi-trial .npz");
  c->add_flag("--global", a->global, "compute the global optimum Θ_λ (column generation)");
  c->add_option("--save", a->save, "--global: write the optimum's network with its objective (a saved network)");
  c->add_flag("--json", a->json, "machine-readable output");
  c->callback([a] { RunCertify(*a); });
}

}  // namespace marginlab::cli
