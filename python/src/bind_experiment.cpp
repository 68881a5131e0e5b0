// marginlab._core.experiment: an experiment's sweep run into its resumable results store
// (experiment/runner.hpp); the store is read back by the pure-Python marginlab.results.
#include <fstream>
#include <iostream>
#include <sstream>

#include "convert.hpp"
#include "marginlab/experiment/config.hpp"
#include "marginlab/experiment/merge.hpp"
#include "marginlab/experiment/runner.hpp"

namespace marginlab::python {

void RegisterExperiment(py::module_& m) {
  m.def("list", [] {
    py::list out;
    for (const auto& path : experiment::ListExperimentFiles()) {
      const experiment::ExperimentConfig c = experiment::LoadExperimentConfig(path);
      py::dict d;
      d["name"] = c.name;
      d["title"] = c.title;
      d["kind"] = c.kind;
      d["path"] = path.string();
      std::vector<std::string> scales;
      for (const auto& [name, s] : c.scales) scales.push_back(name);
      d["scales"] = scales;
      out.append(d);
    }
    return out;
  }, "The built-in experiments: name, title, kind, path, scales.");

  m.def("run", [](const std::string& name, const std::string& scale, py::handle out,
                  const std::vector<std::string>& set, int threads, long max_trials, bool progress,
                  const std::string& shard) {
    experiment::ExperimentConfig config = experiment::LoadExperimentConfig(experiment::ResolveExperiment(name));
    experiment::ApplyOverrides(config, set);
    experiment::RunOptions o;
    o.scale = scale;
    if (!out.is_none()) o.out = py::str(out).cast<std::string>();
    o.threads = threads;
    o.max_trials = max_trials;
    if (!shard.empty()) experiment::ParseShard(shard, "shard", o);
    const std::string problem = o.Validate();
    if (!problem.empty()) ThrowValue("run: " + problem);
    experiment::RunSummary s;
    {
      py::gil_scoped_release release;
      std::ostringstream quiet;
      s = experiment::RunExperiment(config, o, progress ? static_cast<std::ostream&>(std::cerr) : quiet);
    }
    py::dict d;
    d["experiment"] = config.name;
    d["scale"] = scale;
    d["out"] = s.out.string();
    d["total"] = s.total;
    d["already_done"] = s.already_done;
    d["ran"] = s.ran;
    d["failed"] = s.failed;
    d["remaining"] = s.remaining;
    AddOutcome(d, s);
    d["first_error"] = s.first_error;
    return d;
  }, py::arg("name"), py::arg("scale") = "quick", py::arg("out") = py::none(),
     py::arg("set") = std::vector<std::string>{}, py::arg("threads") = 0, py::arg("max_trials") = 0,
     py::arg("progress") = false, py::arg("shard") = "",
     "Runs an experiment (a built-in name or a TOML path) at `scale` into its results folder, as\n"
     "`marginlab run` does (resumable: finished trials are kept). set: overrides 'key=value'.\n"
     "Returns the run's summary; failed trials are counted in `failed` with the first reason in\n"
     "`first_error` (marginlab.experiment.run raises for them). shard: 'i/N' runs every N-th trial\n"
     "from the i-th into a folder of its own (merge() joins the shards).");

  m.def("merge", [](const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out) {
    experiment::MergeSummary s;
    {
      py::gil_scoped_release release;
      s = experiment::MergeStores(inputs, out);
    }
    py::dict d;
    d["inputs"] = s.inputs;
    d["trials"] = s.trials;
    d["copied"] = s.copied;
    d["duplicates"] = s.duplicates;
    d["failed"] = s.failed;
    d["pending"] = s.pending;
    return d;
  }, py::arg("inputs"), py::arg("out"),
     "Merges the results folders of a sweep's shards into `out`, as `marginlab merge`: every trial\n"
     "once, what one plain run stores; trials no shard ran stay pending there.");
}

}  // namespace marginlab::python
