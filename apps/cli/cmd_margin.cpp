// `marginlab margin linear|l1svm|ntk-margin|bound`: margins and their
// certificates (docs/margin.md). Every --json output names the value, the
// bracket [lower, upper] and whether the bracket is certified.
#include <optional>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>

#include "command.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/margin/bounds.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/ji_split.hpp"
#include "marginlab/margin/l1svm.hpp"
#include "marginlab/margin/linear_svm.hpp"
#include "marginlab/margin/ntk_margin.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::cli {
namespace {

using namespace marginlab::margin;

nlohmann::json Num(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

Dataset LoadBinary(const std::string& spec) {
  Dataset ds = LoadData(spec, "--data");
  ML_REQUIRE(ds.kind == LabelKind::kBinary)
      << "--data: margins need binary labels ±1; " << ds.source << " has " << ToString(ds.kind)
      << " labels";
  return ds;
}

struct LinearArgs {
  std::string data;
  bool json = false;
};

void RunLinear(const LinearArgs& a) {
  const Dataset ds = LoadBinary(a.data);
  const LinearSvmResult r = LinearMaxMargin(ds.X, ds.y);
  nlohmann::json j = {{"command", "margin linear"},
                      {"data", ds.source},
                      {"n", ds.n()},
                      {"d", ds.d()},
                      {"separable", r.separable},
                      {"value", r.margin},
                      {"bracket", {r.margin, r.separable ? r.margin_upper : 0.0}},
                      {"certified", r.separable},
                      {"kkt_gap", r.kkt_gap},
                      {"support_vectors", r.support.size()},
                      {"w", std::vector<double>(r.w.data(), r.w.data() + r.w.size())}};
  if (!r.separable) {
    auto lp = MakeLpBackend();
    const JiSplit s = SplitSeparable(ds.X, ds.y, *lp);
    j["certified"] = true;
    j["value"] = nullptr;
    j["bracket"] = {nullptr, 0.0};
    j["split"] = {{"sep", s.sep.size()},
                  {"sc", s.sc.size()},
                  {"dim_H", s.H.cols()},
                  {"risk_sc", s.risk_sc},
                  {"vbar_norm", s.vbar.norm()},
                  {"sep_margin_on_H_perp", s.sep_margin}};
  }
  if (a.json) return PrintJson(j);
  if (r.separable) {
    std::cout << "linear max margin γ = " << r.margin << "  (certified bracket [" << r.margin << ", "
              << r.margin_upper << "], " << r.support.size() << " support vectors)\n";
  } else {
    std::cout << "not linearly separable through the origin (γ ≤ 0)\n"
              << "Ji §4.2 split: |S_sep| = " << j["split"]["sep"] << ", |S_sc| = " << j["split"]["sc"]
              << ", dim H = " << j["split"]["dim_H"] << ", R_sc(v̄) = " << j["split"]["risk_sc"]
              << ", ‖v̄‖ = " << j["split"]["vbar_norm"] << ", S_sep margin on H^⊥ = "
              << j["split"]["sep_margin_on_H_perp"] << "\n";
  }
}

struct L1Args {
  std::string data, test_data, save, params, key = "final";
  long dictionary = 0, trial = 0;
  std::uint64_t seed = 0;
  FieldFlags flags;  // L1SvmOptions' fields (--oracle, --max-rounds, --tolerance, …)
  bool json = false;
};

// The l1-SVM by a dictionary (--dictionary K > 0: DefaultDictionary, with γ_hi from the LP's dual
// point) or by column generation; `method` says which.
L1SvmResult SolveL1(const L1Args& a, const L1SvmOptions& opts, const Dataset& ds, LpBackend& lp, std::string* method) {
  if (a.dictionary > 0) {
    // the directions, and the LP's K×n constraint matrix
    RequireMemory(SaturatingAdd(ArrayBytes({a.dictionary, ds.d()}, sizeof(double)),
                                ArrayBytes({a.dictionary, ds.n()}, sizeof(double))),
                  "--dictionary " + std::to_string(a.dictionary) + " on n = " + std::to_string(ds.n()));
    std::string which;
    L1SvmResult r = L1SvmDictionary(ds.X, ds.y, DefaultDictionary(a.dictionary, ds.d(), a.seed, &which), lp);
    BoundDictionarySolution(ds.X, ds.y, opts.oracle, r);  // γ_hi from the LP's dual point
    *method = "dictionary: " + which;
    return r;
  }
  *method = "column generation";
  return L1SvmColumnGeneration(ds.X, ds.y, lp, opts);
}

// The human-readable report of RunL1 (j: its JSON, for the network summaries).
void PrintL1(const L1Args& a, const std::string& method, const L1SvmResult& r, const TwoLayerNet& net, bool has_test,
             const nlohmann::json& j) {
  std::cout << "l1-SVM over ReLU features (" << method << ", " << ToString(r.termination) << ")\n";
  if (r.certified)
    std::cout << "  γ_ℓ1 ∈ [" << r.gamma_lo << ", " << r.gamma_hi << "]  (certified, oracle " << r.oracle_mode
              << ")\n  max two-layer margin γ* = γ_ℓ1/2 ∈ [" << r.gamma_lo / 2 << ", " << r.gamma_hi / 2 << "]\n";
  else
    std::cout << "  γ_ℓ1 ≥ " << r.gamma_lo << " (attained); upper estimate " << r.gamma_hi
              << "  (heuristic oracle: an estimate, not a bound)\n  max two-layer margin γ* = γ_ℓ1/2 ≥ "
              << r.gamma_lo / 2 << " (estimate " << r.gamma_hi / 2 << ")\n";
  const auto& nj = j["network"];
  std::cout << "  extracted network: width " << net.width() << ", normalized margin " << nj["normalized_margin"]
            << ", train error " << nj["train_error"];
  if (has_test) std::cout << ", test error " << nj["test_error"];
  std::cout << "\n";
  if (!a.save.empty()) std::cout << "  saved the network to " << a.save << "\n";
  if (!a.params.empty())
    std::cout << "  " << a.params << ": normalized margin " << j["params_margin"] << ", margin gap "
              << (r.certified ? "≤ " : "estimate ") << j["margin_gap"]["value"] << "\n";
}

// `margin l1svm --json`'s keys for the solve and the extracted network (test: may be null).
nlohmann::json L1Json(const L1SvmResult& r, const std::string& method, const TwoLayerNet& net, const Dataset& ds,
                      const Dataset* test) {
  nlohmann::json j = {{"command", "margin l1svm"}, {"data", ds.source}, {"method", method}};
  AddFieldsJson(r, j);
  j["value"] = r.gamma_lo;  // the headline: attained by the extracted measure, a lower bound in every mode
  j["network"] = NetworkJson(net, ds, test, "logistic");
  j["network_width"] = net.width();
  j["network_margin"] = net.width() > 0 ? Num(net.NormalizedMargin(ds.X, ds.y)) : nullptr;
  j["max_margin_bracket"] = {r.gamma_lo / 2, Num(r.gamma_hi / 2)};
  return j;
}

void RunL1(const L1Args& a) {
  L1SvmOptions opts;
  ApplyFieldFlags(a.flags, opts);
  ML_REQUIRE(a.dictionary >= 0) << "--dictionary: expected a number of directions ≥ 1 (or 0 for column "
                                   "generation), got " << a.dictionary;
  const Dataset ds = LoadBinary(a.data);
  std::optional<Dataset> test;
  if (!a.test_data.empty()) {
    test = LoadBinary(a.test_data);
    ML_REQUIRE(test->d() == ds.d()) << "--test-data: " << test->source << " has " << test->d()
                                    << " features, --data has " << ds.d();
  }
  auto lp = MakeLpBackend();
  // The network to compare is read (and checked against the data) before the solve, which can
  // take minutes: a bad --params is an error at once.
  std::optional<TwoLayerNet> trained;
  if (!a.params.empty()) {
    trained = LoadTwoLayerNet(a.params, a.key, a.trial);
    ML_REQUIRE(trained->U.cols() == ds.d())
        << a.params << ": the network has input dimension " << trained->U.cols() << ", the data "
        << ds.source << " has " << ds.d() << " features";
  }
  std::string method;
  const L1SvmResult r = SolveL1(a, opts, ds, *lp, &method);
  const TwoLayerNet net = ExtractNetwork(r);
  nlohmann::json j = L1Json(r, method, net, ds, test ? &*test : nullptr);
  if (!a.save.empty()) {
    SaveTwoLayerNet(a.save, net);
    j["saved"] = a.save;
  }
  if (trained) {
    const double gm = trained->NormalizedMargin(ds.X, ds.y);
    j["params"] = a.params;
    j["params_margin"] = gm;
    j["margin_gap"] = {{"value", Num(MarginGap(gm, r.gamma_hi))},
                       {"bracket", {r.gamma_lo / 2 - gm, Num(r.gamma_hi / 2 - gm)}},
                       {"certified", r.certified}};
  }
  if (a.json) return PrintJson(j);
  PrintL1(a, method, r, net, test.has_value(), j);
}
struct NtkArgs {
  std::string data;
  FieldFlags flags;  // NtkMarginOptions' fields (--samples, --iterations, --seed)
  NtkMarginOptions opts;  // from the flags, when the command runs
  bool json = false;
};

void RunNtk(NtkArgs& a) {
  ApplyFieldFlags(a.flags, a.opts);
  const Dataset ds = LoadBinary(a.data);
  const NtkMarginResult r = NtkMargin(ds.X, ds.y, a.opts);
  nlohmann::json j = {{"command", "margin ntk-margin"},
                      {"data", ds.source},
                      {"d", ds.d()},
                      {"n", ds.n()},
                      {"samples", a.opts.samples},
                      {"value", r.value},
                      {"standard_error", r.standard_error},
                      {"bracket", {r.lower, r.upper}},
                      {"bracket_of", "the Monte-Carlo problem with these samples"},
                      {"certified", false},
                      {"d_times_value", static_cast<double>(ds.d()) * r.value}};
  if (a.json) return PrintJson(j);
  std::cout << "NTK separation margin (Ji Assumption 3.2): " << r.value << " ± " << r.standard_error
            << " (Monte-Carlo s.e., " << a.opts.samples << " samples)\n"
            << "  bracket for the sampled problem: [" << r.lower << ", " << r.upper << "]\n"
            << "  d · γ = " << static_cast<double>(ds.d()) * r.value << "\n";
}

struct BoundArgs {
  std::string data, params, key = "final";
  double margin = std::numeric_limits<double>::quiet_NaN(), delta = 0.05;
  long trial = 0;
  bool json = false;
};

void RunBound(const BoundArgs& a) {
  const Dataset ds = LoadBinary(a.data);
  double gamma = a.margin;
  ML_REQUIRE(!a.params.empty() || std::isfinite(gamma)) << "margin bound: give --params or --margin";
  if (!a.params.empty()) gamma = LoadTwoLayerNet(a.params, a.key, a.trial).NormalizedMargin(ds.X, ds.y);
  const double C = std::sqrt(ds.X.rowwise().squaredNorm().maxCoeff());
  const GeneralizationBound b = MarginBound(gamma, C, static_cast<long>(ds.n()), 2, a.delta);
  nlohmann::json j = {{"command", "margin bound"},
                      {"data", ds.source},
                      {"margin", gamma},
                      {"C", C},
                      {"n", ds.n()},
                      {"delta", a.delta},
                      {"value", b.value},
                      {"main_term", b.main_term},
                      {"epsilon", b.epsilon},
                      {"bracket", {nullptr, b.value}},
                      {"certified", false},
                      {"note", b.note}};
  if (a.json) return PrintJson(j);
  std::cout << "Prop. D.1 bound (universal constant set to 1): " << b.value << " = " << b.main_term
            << " + " << b.epsilon << "   (γ = " << gamma << ", C = " << C << ", n = " << ds.n()
            << ", δ = " << a.delta << ")\n";
}

}  // namespace

void RegisterMargin(CLI::App& app) {
  auto* m = app.add_subcommand("margin", "Margins with certificates: linear, l1-SVM, NTK, bound");
  m->require_subcommand(1);

  auto la = std::make_shared<LinearArgs>();
  auto* l = m->add_subcommand("linear", "Hard-margin linear SVM through the origin (exact); Ji §4.2 split");
  AddDataOption(*l, &la->data);
  l->add_flag("--json", la->json, "machine-readable output");
  l->callback([la] { RunLinear(*la); });

  auto ia = std::make_shared<L1Args>();
  auto* s = m->add_subcommand("l1svm", "l1-SVM over ReLU features (Wei et al. B.14) and γ* = γ_ℓ1/2");
  AddDataOption(*s, &ia->data);
  s->add_option("--dictionary", ia->dictionary,
                "solve over K fixed directions (d = 2: evenly spaced on the circle, Wei et al. F.4; 0 = column generation; "
                "else random) instead of column generation");
  AddFieldFlags(*s, ia->flags, DescribeFields(L1SvmOptions{}), {.config = false, .doc_prefix = "", .flag_prefix = ""});
  s->add_option("--params", ia->params, "a trained two-layer network (.npz): report its margin gap");
  s->add_option("--key", ia->key, "npz prefix of the network (final, init)");
  s->add_option("--trial", ia->trial, "trial index in a multi-trial .npz");
  s->add_option("--seed", ia->seed, "seed of random dictionaries")->check(NonNegativeInteger());
  AddDataOption(*s, &ia->test_data, "--test-data", false);
  s->add_option("--save", ia->save, "write the extracted max-margin network (a saved network, without an objective)");
  s->add_flag("--json", ia->json, "machine-readable output");
  s->callback([ia] { RunL1(*ia); });

  auto na = std::make_shared<NtkArgs>();
  auto* n = m->add_subcommand("ntk-margin", "NTK separation margin (Ji Assumption 3.2), Monte Carlo");
  AddDataOption(*n, &na->data);
  AddFieldFlags(*n, na->flags, DescribeFields(NtkMarginOptions{}), {.config = false, .doc_prefix = "", .flag_prefix = ""});
  n->add_flag("--json", na->json, "machine-readable output");
  n->callback([na] { RunNtk(*na); });

  auto ba = std::make_shared<BoundArgs>();
  auto* b = m->add_subcommand("bound", "Generalization bound of Wei et al. Prop. D.1 (constant 1)");
  AddDataOption(*b, &ba->data);
  b->add_option("--params", ba->params, "a trained two-layer network (.npz)");
  b->add_option("--key", ba->key, "npz prefix of the network (final, init)");
  b->add_option("--trial", ba->trial, "trial index in a multi-trial .npz");
  b->add_option("--margin", ba->margin, "a normalized margin instead of --params");
  b->add_option("--delta", ba->delta, "failure probability δ");
  b->add_flag("--json", ba->json, "machine-readable output");
  b->callback([ba] { RunBound(*ba); });
}

}  // namespace marginlab::cli
