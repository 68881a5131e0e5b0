// Trial kind "nn-train": trains one network with the nn module's driver and
// records every metric the papers plot.
//
// Parameters: `data` and `test_data` (any --data argument; test_data optional)
// plus every TrainOptions field (nn/train.hpp) under its own name. The trial's
// seed becomes TrainOptions::seed (trials = 1, trial_offset = 0), so trial t
// of every sweep point starts from the same initialization.
// Also every ReferenceOptions field (experiment/reference.hpp): Θ_λ of the trial's objective
// (on by default) and the max-margin net (max_margin = true), with their finals.
// Trace: the TrainRecord fields at the logged steps. Finals: the last record, n_train, n_test,
// plus steps_done, data_parallel_ranks (only when trained on a group of ranks), diverged (always 0: a run that diverges or produces a non-finite
// number fails the trial with its reason and step; the column stays for old stores)
// and the seconds spent training.
#include "experiment/kinds.hpp"

#include "marginlab/data/source.hpp"
#include "marginlab/experiment/reference.hpp"
#include "marginlab/nn/train.hpp"

namespace marginlab::experiment {

namespace {
// A record's metrics as the store keeps them (TrainRecord::Fields; the step is the trace's key).
std::vector<std::pair<std::string, double>> RecordValues(const nn::TrainRecord& r) {
  struct Collect {
    std::vector<std::pair<std::string, double>> v;
    void Metric(const char* name, double x) { v.emplace_back(name, x); }
    void Layers(const char*, const char* column, const std::vector<double>& xs) {
      for (std::size_t k = 0; k < xs.size(); ++k) v.emplace_back(column + std::to_string(k + 1), xs[k]);
    }
    void Step(const char*, double) {}
  } c;
  r.Fields(c);
  return c.v;
}
}  // namespace

nn::TrainOptions TrainOptionsForTrial(const TrialSpec& spec, ParamMap params, std::string* data,
                                      std::string* test_data) {
  ML_REQUIRE(params.Take("data", data)) << params.context() << ": nn-train needs a 'data' parameter";
  params.Take("test_data", test_data);
  nn::TrainOptions opts;
  ApplyParams(params, opts);
  opts.seed = spec.seed;
  opts.trials = 1;
  opts.trial_offset = 0;
  return opts;
}

void CheckTrainParams(const TrialSpec& spec, const ParamMap& params) {
  std::string data, test_data;
  TrainOptionsForTrial(spec, params, &data, &test_data);
  CheckDataSpec(data, params.context() + " data");
  if (!test_data.empty()) CheckDataSpec(test_data, params.context() + " test_data");
}

nn::TrainSummary TrainForTrial(const TrialSpec& spec, ParamMap params, Dataset* train_out,
                               Dataset* test_out, nn::TrainOptions* opts_out) {
  std::string data, test_data;
  const nn::TrainOptions opts = TrainOptionsForTrial(spec, params, &data, &test_data);
  if (opts_out) *opts_out = opts;
  Dataset train = LoadData(data, params.context() + " data");
  Dataset test;
  if (!test_data.empty()) test = LoadData(test_data, params.context() + " test_data");
  nn::TrainSummary s = nn::Train(opts, train, test_data.empty() ? nullptr : &test, {}, spec.group).at(0);
  RequireNotDiverged(s, params.context());
  if (train_out) *train_out = std::move(train);
  if (test_out) *test_out = std::move(test);
  return s;
}

void CheckNnTrainTrial(const TrialSpec& spec) {
  ParamMap params = spec.params;
  TakeReferenceOptions(params);
  CheckTrainParams(spec, params);
}

TrialResult RunNnTrainTrial(const TrialSpec& spec) {
  ParamMap params = spec.params;
  const ReferenceOptions ro = TakeReferenceOptions(params);
  Dataset train, test;
  nn::TrainOptions opts;
  const nn::TrainSummary s = TrainForTrial(spec, params, &train, &test, &opts);
  TrialResult r = NnTrainResult(s);
  r.AddFinal("n_train", static_cast<double>(train.n()));
  if (test.n() > 0) r.AddFinal("n_test", static_cast<double>(test.n()));
  // Trained data-parallel: the gradient's sum went over this many slices (results agree with one
  // process to rounding, not bit for bit), so the store says so beside the numbers.
  if (spec.group && spec.group->size() > 1) r.AddFinal("data_parallel_ranks", spec.group->size());
  AddReferences(ro, opts, s, train, test.n() > 0 ? &test : nullptr, r);
  return r;
}

void RequireNotDiverged(const nn::TrainSummary& s, const std::string& context) {
  if (s.termination == Termination::kDiverged)
    throw Error(context + ": the network diverged: " + s.message + " (" +
                std::to_string(s.steps_done) + " steps done); a failed trial, not a result");
}

TrialResult NnTrainResult(const nn::TrainSummary& s) {
  TrialResult r;
  for (const auto& rec : s.trace) r.trace.push_back({rec.step, RecordValues(rec)});
  if (!s.trace.empty())
    for (const auto& [k, v] : RecordValues(s.trace.back())) r.AddFinal(k, v);
  r.AddFinal("steps_done", static_cast<double>(s.steps_done));
  r.AddFinal("diverged", s.termination == Termination::kDiverged ? 1.0 : 0.0);
  r.AddFinal("train_seconds", s.TotalSeconds());
  return r;
}

}  // namespace marginlab::experiment
