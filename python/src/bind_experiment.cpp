// marginlab._core.experiment: an experiment's sweep run into its resumable results store
// (experiment/runner.hpp); the store is read back by the pure-Python marginlab.results.
#include <sstream>

#include "api.hpp"
#include "convert.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/experiment/config.hpp"
#include "marginlab/experiment/merge.hpp"
#include "marginlab/experiment/runner.hpp"

namespace marginlab::python {
namespace {

std::vector<std::string> StringList(Call& c, const std::string& name) {
  py::handle h = c.Get(name);
  if (py::isinstance<py::str>(h) || !py::hasattr(h, "__iter__"))
    ThrowType(name + ": expected a list of strings, got " + detail::TypeNameOf(h));
  std::vector<std::string> out;
  for (py::handle x : h) out.push_back(FromPython<std::string>(x, name + " (an item)"));
  return out;
}

std::vector<std::filesystem::path> PathList(Call& c, const std::string& name) {
  py::handle h = c.Get(name);
  if (py::isinstance<py::str>(h) || !py::hasattr(h, "__iter__"))
    ThrowType(name + ": expected a list of folders, got " + detail::TypeNameOf(h));
  std::vector<std::filesystem::path> out;
  py::object fspath = py::module_::import("os").attr("fspath");
  for (py::handle x : h) {
    if (!py::isinstance<py::str>(x) && !py::hasattr(x, "__fspath__"))
      ThrowType(name + ": expected paths (str or os.PathLike), got " + detail::TypeNameOf(x));
    out.emplace_back(py::str(fspath(x)).cast<std::string>());
  }
  return out;
}

py::dict TrialEventDict(const experiment::TrialEvent& e) {
  py::dict d;
  d["point"] = e.point;
  d["trial"] = e.trial;
  d["ok"] = e.ok;
  d["error"] = e.error;
  d["seconds"] = e.seconds;
  d["done"] = e.done;
  d["failed"] = e.failed;
  d["total"] = e.total;
  return d;
}

}  // namespace

void RegisterExperiment(py::module_& m) {
  Def(m, Signature("list", "The built-in experiments.", "", "list[dict[str, Any]]", "name, title, kind, path, scales"),
      [](Call&) -> py::object {
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
      });

  Def(m,
      Signature("run", "Runs an experiment's sweep into its resumable results folder, as `marginlab run` does.",
                "Finished trials are kept; a rerun runs only the others. Failed trials raise marginlab.FailedRunError "
                "naming the first (every reason is in the store; a rerun retries them). Ctrl-C stops within "
                "about a second: finished trials stay stored, the running ones are reset to pending by the next run.",
                "dict[str, Any]",
                "experiment, scale, out, total, already_done, ran, failed, remaining, termination, message, seconds, "
                "first_error")
          .Arg("name", "str | os.PathLike[str]", "a built-in experiment's name (list()) or a TOML file")
          .Arg("scale", "str", "'quick'", "the scale: smoke, quick or paper (the TOML's [scales.*])")
          .Arg("out", "str | os.PathLike[str] | None", "None", "the results folder (None: runs/<name>-<scale>)")
          .Kw("set", "Sequence[str]", "()", "overrides 'key=value', as the CLI's --set")
          .Kw("threads", "int", "0", "worker threads, each running whole trials (0: all cores; at most 1024)")
          .Kw("max_trials", "int", "0", "stop after this many trials (0: all)")
          .Kw("shard", "str | None", "None", "'i/N': every N-th trial from the i-th, into a folder of its own (merge() joins them)")
          .Observed("finished trial (point, trial, ok, error, seconds, done, failed, total)"),
      [](Call& c) -> py::object {
        const std::string name = c.Path("name");
        const std::string scale = c.Str("scale");
        const std::string out = c.Path("out");
        const std::vector<std::string> set = StringList(c, "set");
        experiment::RunOptions o;
        o.scale = scale;
        o.out = out;
        o.threads = static_cast<int>(c.Int("threads", 0, kMaxThreads));
        o.max_trials = c.Int("max_trials", 0);
        if (c.Given("shard")) experiment::ParseShard(c.Str("shard"), "shard", o);
        else (void)c.Get("shard");
        const std::string problem = o.Validate();
        if (!problem.empty()) ThrowValue("run: " + problem);
        experiment::ExperimentConfig config = experiment::LoadExperimentConfig(experiment::ResolveExperiment(name));
        experiment::ApplyOverrides(config, set);
        CallbackBridge bridge(c.Callable("callback"));
        o.observer = bridge.Make<experiment::TrialEvent>(TrialEventDict);
        experiment::RunSummary s;
        {
          LongCall call;
          std::ostringstream quiet;  // progress is the Python wrapper's (progress=, callback=)
          s = experiment::RunExperiment(config, o, quiet);
        }
        bridge.RethrowIfFailed();
        if (s.failed > 0)
          throw FailedRunError(std::to_string(s.failed) + " trial(s) failed (the first: " + s.first_error +
                               "); every error is stored in " + (s.out / "results.sqlite").string() +
                               " (runs.error); re-run to retry them");
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
      });

  Def(m,
      Signature("merge", "Merges the results folders of a sweep's shards, as `marginlab merge`.",
                "Every trial once: exactly what one plain run stores; trials no shard ran stay pending.",
                "dict[str, Any]", "inputs, trials, copied, duplicates, failed, pending")
          .Arg("inputs", "Sequence[str | os.PathLike[str]]", "the shards' folders")
          .Arg("out", "str | os.PathLike[str]", "the merged folder"),
      [](Call& c) -> py::object {
        const std::vector<std::filesystem::path> inputs = PathList(c, "inputs");
        const std::string out = c.Path("out");
        experiment::MergeSummary s;
        {
          LongCall call;
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
      });
}

}  // namespace marginlab::python
