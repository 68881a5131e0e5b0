// The CLI's registration point and shared helpers.
//
// Each subcommand lives in its own file apps/cli/cmd_<name>.cpp and exposes
// `void Register<Name>(CLI::App& app)`, which adds the subcommand, binds its
// flags to an Options struct and sets the callback. RegisterAll() in
// commands.cpp is the one list of them. Commands only parse arguments into
// Options and call the library; errors are thrown (InputError → exit code 2).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/dataset.hpp"

namespace marginlab::margin {
struct TwoLayerNet;
}

namespace marginlab::cli {

void RegisterAll(CLI::App& app);

// Subcommand registrations (one file each).
void RegisterVersion(CLI::App& app);
void RegisterData(CLI::App& app);
void RegisterTrain(CLI::App& app);  // train, nn grad (hidden)
void RegisterKernel(CLI::App& app);  // kernel gram, fit
void RegisterRun(CLI::App& app);  // run, list, export
void RegisterReport(CLI::App& app);
void RegisterMargin(CLI::App& app);  // margin linear, l1svm, ntk-margin, bound
void RegisterCertify(CLI::App& app);
void RegisterMeanField(CLI::App& app);
void RunPythonReport(const std::string& dir);

// Adds `--data SPEC` (generator spec, file or folder) to a command.
CLI::Option* AddDataOption(CLI::App& cmd, std::string* target, const std::string& name = "--data",
                           bool required = true);

// A two-layer network's summary on its training data (and test data if given):
// width, ‖Θ‖², normalized margin, train error, test error and mean test loss.
nlohmann::json NetworkJson(const margin::TwoLayerNet& net, const Dataset& train, const Dataset* test,
                           const std::string& loss);

// A JSON description of a data set (n, d, label kind, source, stats).
nlohmann::json DescribeDataset(const Dataset& ds);
// The same as human-readable lines.
std::string DescribeDatasetText(const Dataset& ds);

// Flags generated from an Options struct's Fields(): `--<field-name>` for every field (bool
// fields are flags; a field's choice list is in its help) plus `--config FILE.toml` whose keys
// are the same fields (dashes or underscores). CollectFieldParams returns the file's values
// overridden by the flags given; an unknown TOML key is an InputError naming the file, line and
// the expected keys. With `config = false` there is no --config (a group of flags inside a
// command, e.g. kernel fit's Falkon options): ApplyFieldFlags sets the Options from the flags
// given, `doc_prefix` starts every help text and `flag_prefix` every flag name (kernel fit's
// `--logistic-tol` beside Falkon's `--tol`). Every command declares its options' flags
// this way; only what is not an option of the library (files, --json, --key) is hand-declared.
struct FieldFlags {
  std::string config;
  std::string flag_prefix;                                // e.g. "logistic-" (FieldFlagStyle)
  std::vector<std::string> names;                         // field names, in order
  std::vector<std::string> types;                         // their types (FieldInfo::type)
  std::vector<std::unique_ptr<std::string>> storage;      // the flags' texts
  std::vector<CLI::Option*> options;
  std::string Flag(std::size_t i) const;                  // "--max-iterations" for max_iterations (with the prefix)
  bool Given(std::size_t i) const { return options[i]->count() > 0; }
  std::size_t Find(const std::string& name) const;        // the index of a field; InternalError if none
  bool Given(const std::string& name) const { return Given(Find(name)); }
};
struct FieldFlagStyle {
  bool config = true;
  std::string doc_prefix;
  std::string flag_prefix;
};
void AddFieldFlags(CLI::App& cmd, FieldFlags& flags, const std::vector<FieldInfo>& fields,
                   const FieldFlagStyle& style = {});
ParamMap CollectFieldParams(const FieldFlags& flags, const std::string& context);

// The fields named in `keep`, in Fields() order (a command that exposes part of an Options).
std::vector<FieldInfo> SelectFields(std::vector<FieldInfo> fields, const std::vector<std::string>& keep);

// InputError "<flag>: <why>" for the first flag of the group that was given (a group that the
// command's other choices leave unused, e.g. Falkon's flags without --predictor falkon).
void RefuseGivenFlags(const FieldFlags& flags, const std::string& why);

// Sets opts from the flags given (a group without --config), one flag at a time through
// ApplyParams, so that a bad value, or one that fails opts.Validate(), is an InputError that
// names its flag ("--centers: …").
// A flag given for a field the options' own choices leave unused (--depth with --kernel ntk:
// core/params.hpp UnusedField) is an InputError naming it.
template <class Opts>
void ApplyFieldFlags(const FieldFlags& flags, Opts& opts) {
  for (std::size_t i = 0; i < flags.names.size(); ++i) {
    if (!flags.Given(i)) continue;
    ParamMap p(flags.Flag(i));
    p.Set(flags.names[i], *flags.storage[i]);
    ApplyParams(p, opts);
  }
  for (std::size_t i = 0; i < flags.names.size(); ++i)
    if (flags.Given(i))
      if (const std::string why = UnusedField(opts, {flags.names[i]}); !why.empty())
        throw InputError(flags.Flag(i) + why.substr(flags.names[i].size()));
}

// Checks that a flag's text is a non-negative integer (digits only), with a message that says
// so (CLI11's NonNegativeNumber prints DBL_MAX's 309 digits as its bound).
const CLI::Validator& NonNegativeInteger();
// Refuses an empty text (`--lambdas ''` would otherwise read as "not given").
const CLI::Validator& NonEmptyText();

// Prints one JSON document on one line to stdout.
void PrintJson(const nlohmann::json& j);

// A result's Fields(v) (core/options.hpp) written into `j`: the keys the Python module's dicts
// have too. Non-finite numbers become null.
struct JsonFields {
  nlohmann::json& j;
  static nlohmann::json Number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }
  template <class R>
  static nlohmann::json Object(const R& result) {
    nlohmann::json o = nlohmann::json::object();
    JsonFields w{o};
    result.Fields(w);
    return o;
  }
  void operator()(const char* key, double x) { j[key] = Number(x); }
  void operator()(const char* key, long x) { j[key] = x; }
  void operator()(const char* key, bool x) { j[key] = x; }
  void operator()(const char* key, const std::string& x) { j[key] = x; }
  void operator()(const char* key, const std::optional<double>& x) { j[key] = x ? Number(*x) : nlohmann::json(nullptr); }
  void operator()(const char* key, const Bracket& b) { j[key] = {Number(b.lower), Number(b.upper)}; }
  void operator()(const char* key, const std::vector<double>& xs) {
    nlohmann::json a = nlohmann::json::array();
    for (double x : xs) a.push_back(Number(x));
    j[key] = a;
  }
  void operator()(const char* key, const std::vector<long>& xs) { j[key] = xs; }
  void operator()(const char* key, const std::vector<std::string>& xs) { j[key] = xs; }
  template <class R>
    requires requires(const R& r, JsonFields& w) { r.Fields(w); }
  void operator()(const char* key, const R& result) {  // a nested result
    j[key] = Object(result);
  }
  template <class R>
    requires requires(const R& r, JsonFields& w) { r.Fields(w); }
  void operator()(const char* key, const std::vector<R>& results) {  // a list of results
    nlohmann::json a = nlohmann::json::array();
    for (const R& r : results) a.push_back(Object(r));
    j[key] = a;
  }
};
template <class R>
void AddFieldsJson(const R& result, nlohmann::json& j) {
  JsonFields v{j};
  result.Fields(v);
}

}  // namespace marginlab::cli
