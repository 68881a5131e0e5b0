// MergeStores (merge.hpp): shard stores of one sweep into one store.
#include "marginlab/experiment/merge.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "marginlab/core/error.hpp"
#include "marginlab/experiment/config.hpp"
#include "marginlab/experiment/store.hpp"

namespace marginlab::experiment {
namespace fs = std::filesystem;

namespace {
struct Source {
  std::size_t input = 0;  // index into the inputs
  StoredRun run;
};
}  // namespace

MergeSummary MergeStores(const std::vector<fs::path>& inputs, const fs::path& out) {
  ML_REQUIRE(!inputs.empty()) << "merge: give at least one results folder to merge";
  std::error_code ec;
  for (const auto& in : inputs)
    ML_REQUIRE(!fs::exists(out / "results.sqlite") || !fs::equivalent(in, out, ec))
        << "merge: the output folder " << out.string() << " is also an input";
  std::vector<std::unique_ptr<ResultStore>> stores;
  for (const auto& in : inputs) stores.push_back(std::make_unique<ResultStore>(in));
  ResultStore& first = *stores.front();
  ExperimentConfig config;
  config.name = first.Meta("experiment");
  config.path = first.Meta("config_path");
  config.text = first.Meta("config_text");
  config.kind = first.Meta("kind");
  const std::string scale = first.Meta("scale");
  const std::string defining = first.StoredDefiningText(scale);
  for (std::size_t i = 1; i < stores.size(); ++i) {
    ResultStore& s = *stores[i];
    ML_REQUIRE(s.Meta("experiment") == config.name && s.Meta("scale") == scale)
        << "merge: " << inputs[i].string() << " holds experiment '" << s.Meta("experiment") << "' at scale '"
        << s.Meta("scale") << "', " << inputs[0].string() << " '" << config.name << "' at '" << scale << "'";
    ML_REQUIRE(s.StoredDefiningText(scale) == defining)
        << "merge: " << inputs[i].string() << " was made from a different version of " << config.path << " than "
        << inputs[0].string();
  }

  // The whole sweep, from the stored config text: the output holds every trial, so what no
  // shard ran is pending there (and a stored trial that is not this sweep's is an error).
  const ExperimentConfig full = first.StoredConfig();
  std::vector<TrialSpec> specs = ExpandTrials(full, scale);
  std::map<std::pair<long, long>, const TrialSpec*> expected;
  for (const TrialSpec& t : specs) expected[{t.point, t.trial}] = &t;

  // Every (point, trial) once, with the seed and parameters of the sweep.
  std::map<std::pair<long, long>, std::vector<Source>> by_trial;
  for (std::size_t i = 0; i < stores.size(); ++i)
    for (StoredRun& r : stores[i]->Runs()) by_trial[{r.point, r.trial}].push_back({i, std::move(r)});
  for (const auto& [key, sources] : by_trial) {
    const auto it = expected.find(key);
    ML_REQUIRE(it != expected.end()) << "merge: " << inputs[sources.front().input].string() << " holds point "
                                     << key.first << " trial " << key.second << ", which the sweep does not have";
    for (const Source& s : sources) {
      const TrialSpec stored = stores[s.input]->SpecOf(s.run);
      ML_REQUIRE(stored.seed == it->second->seed && stored.params.entries() == it->second->params.entries())
          << "merge: point " << key.first << " trial " << key.second << " has another seed or other parameters in "
          << inputs[s.input].string() << " than the sweep of its config";
    }
  }

  ResultStore target(out, full, scale);
  target.AddTrials(specs);  // the sweep's order: the ids a plain run gives
  MergeSummary m;
  m.inputs = static_cast<long>(inputs.size());
  std::map<long, std::string> target_status;
  for (const StoredRun& r : target.Runs()) target_status[r.id] = r.status;
  for (const auto& [key, sources] : by_trial) {
    const long id = target.IdOf(key.first, key.second);
    ML_CHECK(id >= 0) << "merge: trial not added";
    std::string& status = target_status[id];
    const Source* done = nullptr;
    const Source* failed = nullptr;
    for (const Source& s : sources) {
      if (s.run.status == "failed" && failed == nullptr) failed = &s;
      if (s.run.status != "done") continue;
      if (done == nullptr) {
        done = &s;
        continue;
      }
      ++m.duplicates;
      const TrialResult x = stores[done->input]->LoadResult(done->run.id);
      const TrialResult y = stores[s.input]->LoadResult(s.run.id);
      bool same = x.finals.size() == y.finals.size();
      for (std::size_t k = 0; same && k < x.finals.size(); ++k)
        same = x.finals[k].first == y.finals[k].first &&
               (x.finals[k].second == y.finals[k].second ||
                (x.finals[k].second != x.finals[k].second && y.finals[k].second != y.finals[k].second));
      ML_REQUIRE(same) << "merge: point " << key.first << " trial " << key.second << " is done in both "
                       << inputs[done->input].string() << " and " << inputs[s.input].string()
                       << " with different results";
    }
    if (status == "done") continue;  // the output already holds it
    if (done != nullptr) {
      target.CompleteRun(id, stores[done->input]->LoadResult(done->run.id), done->run.seconds);
      status = "done";
      ++m.copied;
    } else if (failed != nullptr) {
      target.FailRun(id, failed->run.error, failed->run.seconds);
      status = "failed";
    }
  }
  for (const auto& [id, status] : target_status) {
    ++m.trials;
    if (status == "failed") ++m.failed;
    if (status == "pending" || status == "running") ++m.pending;
  }
  target.ExportCsv(out);
  return m;
}

}  // namespace marginlab::experiment
