// `marginlab run CONFIG`, `marginlab list`, `marginlab export DIR`: the experiment runner.
#include <cmath>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/experiment/config.hpp"
#include "marginlab/experiment/merge.hpp"
#include "marginlab/experiment/runner.hpp"
#include "marginlab/experiment/store.hpp"

namespace marginlab::cli {
using namespace marginlab::experiment;

namespace {

struct RunArgs {
  std::string config, scale = "quick", out;
  int threads = 0;
  int ranks_per_trial = 1;
  long max_trials = 0;
  std::vector<std::string> sets;
  std::string shard;
  bool json = false;
};

void RunRun(const RunArgs& a) {
  ExperimentConfig config = LoadExperimentConfig(ResolveExperiment(a.config));
  ApplyOverrides(config, a.sets);
  RunOptions o;
  o.scale = a.scale;
  o.out = a.out;
  o.threads = a.threads;
  o.ranks_per_trial = a.ranks_per_trial;
  o.max_trials = a.max_trials;
  if (!a.shard.empty()) ParseShard(a.shard, "--shard", o);
  // Under mpirun/srun with several ranks: rank 0 writes the store, the others run trials.
  const RunSummary s = LaunchedWithMpi() ? RunExperimentMpi(config, o, std::cerr) : RunExperiment(config, o, std::cerr);
  if (s.rank != 0) return;  // a worker rank: rank 0 reports
  if (a.json) {
    PrintJson({{"experiment", config.name}, {"scale", a.scale}, {"out", s.out.string()},
               {"total", s.total}, {"already_done", s.already_done}, {"ran", s.ran},
               {"failed", s.failed}, {"remaining", s.remaining}, {"seconds", s.TotalSeconds()},
               {"termination", ToString(s.termination)}});
  } else {
    std::cout << config.name << " [" << a.scale << "]: " << s.message << " (" << s.ran << " run now, "
              << s.already_done << " already done, " << s.failed << " failed) in "
              << FormatDouble(std::round(s.TotalSeconds() * 10) / 10) << " s\n"
              << "results: " << (s.out / "results.sqlite").string() << ", " << (s.out / "runs.csv").string()
              << ", " << (s.out / "trace.csv").string() << "\n";
    if (s.failed > 0) std::cout << "some trials failed: see the 'error' column of the runs table\n";
  }
  if (s.failed > 0)
    throw FailedRunError(std::to_string(s.failed) + " trial(s) failed (the first: " + s.first_error +
                         "); every error is stored in " + (s.out / "results.sqlite").string() +
                         " (runs.error); re-run to retry them");
}

void RunList(bool json) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& path : ListExperimentFiles()) {
    const ExperimentConfig c = LoadExperimentConfig(path);
    nlohmann::json scales = nlohmann::json::object();
    for (const auto& [name, s] : c.scales) {
      scales[name] = {{"trials_per_point", s.trials}, {"trials", static_cast<long>(ExpandTrials(c, name).size())}};
      if (s.measured_seconds > 0) scales[name]["measured_seconds"] = s.measured_seconds;
    }
    out.push_back({{"name", c.name}, {"title", c.title}, {"source", c.source}, {"kind", c.kind},
                   {"file", path.string()}, {"scales", scales}});
  }
  if (json) {
    PrintJson(out);
    return;
  }
  if (out.empty()) std::cout << "no built-in experiments found\n";
  for (const auto& e : out) {
    std::cout << e["name"].get<std::string>() << ": " << e["title"].get<std::string>() << "\n    source: "
              << e["source"].get<std::string>() << "\n    scales:";
    for (const auto& [name, s] : e["scales"].items()) {
      std::cout << "  " << name << " (" << s["trials"].get<long>() << " trials, ";
      if (s.contains("measured_seconds"))
        std::cout << FormatDouble(s["measured_seconds"].get<double>()) << " s measured on 2 cores)";
      else
        std::cout << "not yet timed)";
    }
    std::cout << "\n";
  }
}

}  // namespace

void RegisterRun(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "Run an experiment (a TOML config or a built-in name) and store its results");
  run->add_option("CONFIG", a->config, "experiment config file, or the name of a built-in (see `marginlab list`)")
      ->required();
  run->add_option("--scale", a->scale, "smoke (seconds), quick (minutes) or paper (the paper's protocol)");
  run->add_option("--out", a->out, "results folder (default runs/<name>-<scale>); re-run with the same folder to resume")
      ->check(NonEmptyText());
  run->add_option("--threads", a->threads, "parallel trials (0 = all cores, at most 1024)")->check(CLI::Range(0, 1024));
  run->add_option("--max-trials", a->max_trials, "stop after running this many trials (resume later; 0 = all)")
      ->check(CLI::Range(0L, kMaxTrials));
  run->add_option("--ranks-per-trial", a->ranks_per_trial,
                  "under mpirun: ranks that train each network together, data-parallel (nn-train kinds; "
                  "rank 0 then only hands trials out: -np 1+g*K for g groups)")
      ->check(CLI::Range(1, 1 << 20));
  run->add_option("--set", a->sets, "override a parameter for every trial: --set key=value (repeatable)");
  run->add_option("--shard", a->shard,
                  "run only shard i of N (i/N, 0 <= i < N): every N-th trial from the i-th, in a folder of its own "
                  "(default runs/<name>-<scale>-shard<i>of<N>); join the shards with `marginlab merge`");
  run->add_flag("--json", a->json, "machine-readable summary");
  run->callback([a] { RunRun(*a); });

  auto m = std::make_shared<std::pair<std::string, std::vector<std::string>>>();
  auto merge_json = std::make_shared<bool>(false);
  auto* merge = app.add_subcommand("merge", "Merge the results folders of a sweep's shards (run --shard i/N) into one");
  merge->add_option("--out", m->first, "the merged results folder (new, or a store of the same sweep)")
      ->required()
      ->check(NonEmptyText());
  merge->add_option("DIR", m->second, "shard results folders")->required();
  merge->add_flag("--json", *merge_json, "machine-readable summary");
  merge->callback([m, merge_json] {
    std::vector<std::filesystem::path> inputs(m->second.begin(), m->second.end());
    const MergeSummary s = MergeStores(inputs, m->first);
    if (*merge_json) {
      PrintJson({{"out", m->first}, {"inputs", s.inputs}, {"trials", s.trials}, {"copied", s.copied},
                 {"duplicates", s.duplicates}, {"failed", s.failed}, {"pending", s.pending}});
      return;
    }
    std::cout << "merged " << s.inputs << " folder(s) into " << m->first << ": " << s.trials << " trials, "
              << s.copied << " copied" << (s.duplicates ? ", " + std::to_string(s.duplicates) + " duplicate(s)" : "")
              << ", " << s.failed << " failed, " << s.pending << " still to run"
              << (s.pending ? " (`marginlab run <experiment> --out " + m->first + "` runs them)" : "") << "\n";
  });

  auto list_json = std::make_shared<bool>(false);
  auto* list = app.add_subcommand("list", "List the built-in experiments with their scales and measured times");
  list->add_flag("--json", *list_json, "machine-readable output");
  list->callback([list_json] { RunList(*list_json); });

  auto dir = std::make_shared<std::string>();
  auto* exp = app.add_subcommand("export", "Write DIR/runs.csv and DIR/trace.csv from DIR/results.sqlite");
  exp->add_option("DIR", *dir, "results folder")->required();
  exp->callback([dir] {
    ResultStore store(*dir);
    store.ExportCsv(*dir);
    std::cout << "wrote " << *dir << "/runs.csv and " << *dir << "/trace.csv\n";
  });
}

}  // namespace marginlab::cli
