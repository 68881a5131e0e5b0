// `marginlab certify`: the certified optimality gap of a trained two-layer
// network on the l2-regularized objective (docs/margin.md), and optionally the
// global optimum itself.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::cli {
namespace {

using namespace marginlab::margin;

struct CertifyArgs {
  std::string data, params, key = "final";
  long trial = 0;
  CertifyOptions opts;
  bool global = false, json = false;
};

void RunCertify(const CertifyArgs& a) {
  ValidateOrThrow(a.opts, "certify");
  const Dataset ds = LoadData(a.data, "--data");
  const TwoLayerNet net = LoadTwoLayerNet(a.params, a.key, a.trial);
  const GapCertificate c = CertifyNetwork(net, ds.X, ds.y, a.opts);
  nlohmann::json j = {{"command", "certify"},
                      {"data", ds.source},
                      {"params", a.params},
                      {"loss", a.opts.loss},
                      {"lambda", a.opts.lambda},
                      {"width", net.width()},
                      {"objective", c.objective},
                      {"data_loss", c.data_loss},
                      {"lower_bound", c.lower_bound},
                      {"value", c.gap},
                      {"gap", c.gap},
                      {"bracket", {c.lower_bound, c.objective}},
                      {"bracket_of", "the global minimum over all widths >= n+1"},
                      {"certified", c.certified},
                      {"oracle", c.oracle_mode},
                      {"oracle_value", c.oracle_value},
                      {"oracle_upper", c.oracle_upper},
                      {"dual_scale", c.dual_scale}};
  if (a.global) {
    ML_REQUIRE(net.output_scale == 1.0) << "certify --global: the global optimum is computed for "
                                           "the standard parameterization (output scale 1)";
    const GlobalOptimumResult g = GlobalOptimum(ds.X, ds.y, a.opts);
    j["global"] = {{"bracket", {g.lower, g.upper}},
                   {"certified", g.certified},
                   {"termination", ToString(g.termination)},
                   {"rounds", g.rounds},
                   {"width", g.network.width()},
                   {"gap_to_global_upper", c.objective - g.upper},
                   {"gap_to_global_lower", c.objective - g.lower}};
  }
  if (a.json) return PrintJson(j);
  const char* tag = c.certified ? "certified" : "uncertified (heuristic oracle)";
  std::cout << "objective L(Θ) = " << c.objective << "  (data loss " << c.data_loss << ", width "
            << net.width() << ")\n"
            << "global minimum ≥ " << c.lower_bound << "  → optimality gap ≤ " << c.gap << "  ["
            << tag << ", oracle " << c.oracle_mode << "]\n";
  if (a.global)
    std::cout << "global minimum ∈ [" << j["global"]["bracket"][0] << ", " << j["global"]["bracket"][1]
              << "] (" << (j["global"]["certified"].get<bool>() ? "certified" : "uncertified") << ")\n";
}

}  // namespace

void RegisterCertify(CLI::App& app) {
  auto a = std::make_shared<CertifyArgs>();
  auto* c = app.add_subcommand(
      "certify", "Certified optimality gap of a trained two-layer network (l2-regularized loss)");
  c->add_option("--params", a->params, "network (.npz from marginlab train --save)")->required();
  AddDataOption(*c, &a->data);
  c->add_option("--lambda", a->opts.lambda, "λ of λ‖Θ‖² (with the mean data loss)")->required();
  c->add_option("--loss", a->opts.loss, "logistic | squared")
      ->check(CLI::IsMember({"logistic", "squared"}));
  c->add_option("--oracle", a->opts.oracle.method, "auto | exact | bnb | ascent (uncertified)")
      ->check(CLI::IsMember({"auto", "exact", "bnb", "ascent"}));
  c->add_option("--key", a->key, "npz prefix of the network (final, init)");
  c->add_option("--trial", a->trial, "trial index in a multi-trial .npz");
  c->add_flag("--global", a->global, "also compute the global optimum (column generation)");
  c->add_flag("--json", a->json, "machine-readable output");
  c->callback([a] { RunCertify(*a); });
}

}  // namespace marginlab::cli
