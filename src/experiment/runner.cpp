// Parallel, resumable experiment runner (see runner.hpp).
#include "marginlab/experiment/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <optional>
#include <cstdio>
#include <ostream>
#include <thread>
#include <vector>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/shared_cache.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/threads.hpp"
#include "experiment/progress.hpp"
#include "experiment/run_plan.hpp"
#include "marginlab/experiment/store.hpp"

namespace marginlab::experiment {
namespace fs = std::filesystem;

std::string RunOptions::Validate() const {
  if (std::string t = ThreadCountProblem(threads); !t.empty()) return t;
  if (ranks_per_trial < 1) return "ranks_per_trial must be >= 1";
  if (max_trials < 0) return "max_trials must be >= 0";
  if (scale.empty()) return "scale must not be empty";
  if (shard_count < 1 || shard_index < 0 || shard_index >= shard_count)
    return "shard must be i/N with 0 <= i < N, got " + std::to_string(shard_index) + "/" + std::to_string(shard_count);
  return "";
}

std::string RunOptions::ShardText() const {
  return shard_count == 1 ? "" : std::to_string(shard_index) + "/" + std::to_string(shard_count);
}

void ParseShard(const std::string& text, const std::string& what, RunOptions& opts) {
  const std::size_t slash = text.find('/');
  ML_REQUIRE(slash != std::string::npos) << what << ": expected i/N (shard i of N, 0 <= i < N), got '" << text << "'";
  opts.shard_index = ParseInt(text.substr(0, slash), what + " (i of i/N)");
  opts.shard_count = ParseInt(text.substr(slash + 1), what + " (N of i/N)");
  ML_REQUIRE(opts.shard_count >= 1 && opts.shard_index >= 0 && opts.shard_index < opts.shard_count)
      << what << ": expected i/N with 0 <= i < N, got '" << text << "'";
}

fs::path DefaultOutDir(const ExperimentConfig& config, const std::string& scale) {
  return fs::path("runs") / (config.name + "-" + scale);
}

RunSummary RunExperiment(const ExperimentConfig& config, const RunOptions& opts, std::ostream& progress) {
  return RunExperiment(config, opts, FindTrialKind(config.kind), progress);
}

fs::path OutDir(const ExperimentConfig& config, const RunOptions& opts) {
  if (!opts.out.empty()) return opts.out;
  if (opts.shard_count == 1) return DefaultOutDir(config, opts.scale);
  return fs::path(DefaultOutDir(config, opts.scale).string() + "-shard" + std::to_string(opts.shard_index) + "of" +
                  std::to_string(opts.shard_count));
}

std::vector<TrialSpec> PlanTrials(const ExperimentConfig& config, const RunOptions& opts, const TrialKind& kind) {
  std::vector<TrialSpec> trials = ExpandTrials(config, opts.scale);
  // Every sweep point's parameters are checked before the results folder is created or
  // opened: a misspelled or invalid parameter is one error naming it, not N failed trials
  // in a folder that the fixed config could then not reuse.
  if (kind.check) {
    long last_point = -1;
    for (const TrialSpec& t : trials) {
      if (t.point == last_point) continue;  // the trials of a point differ only in the seed
      last_point = t.point;
      TrialSpec spec = t;
      spec.params = KindParams(t.params);
      kind.check(spec);
    }
  }
  if (opts.shard_count > 1) {  // this shard's trials: every shard_count-th from shard_index
    std::vector<TrialSpec> mine;
    for (std::size_t i = static_cast<std::size_t>(opts.shard_index); i < trials.size();
         i += static_cast<std::size_t>(opts.shard_count))
      mine.push_back(std::move(trials[i]));
    trials = std::move(mine);
  }
  return trials;
}

double WorkEstimate(const ParamMap& params) {
  static const std::vector<std::string> kSizes{"n", "d", "k", "width", "steps", "epochs", "particles", "samples"};
  auto factor = [](const std::string& key, const std::string& value) {
    if (std::find(kSizes.begin(), kSizes.end(), key) == kSizes.end()) return 1.0;
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    return (end != value.c_str() && *end == '\0' && std::isfinite(v) && v > 1) ? v : 1.0;
  };
  double work = 1;
  for (const auto& [key, value] : params.entries()) {
    work *= factor(key, value);
    // a data spec "name:k=v,k=v": its sizes too
    const std::size_t colon = value.find(':');
    if (colon == std::string::npos) continue;
    std::size_t at = colon + 1;
    while (at < value.size()) {
      std::size_t comma = value.find(',', at);
      if (comma == std::string::npos) comma = value.size();
      const std::string item = value.substr(at, comma - at);
      if (const std::size_t eq = item.find('='); eq != std::string::npos)
        work *= factor(item.substr(0, eq), item.substr(eq + 1));
      at = comma + 1;
    }
  }
  return work;
}

std::vector<long> ClaimOrder(ResultStore& store) {
  const std::vector<StoredRun> runs = store.Runs();
  std::map<long, std::pair<double, long>> measured;  // point → (sum of seconds, count) of done trials
  for (const StoredRun& r : runs)
    if (r.status == "done") {
      auto& [sum, count] = measured[r.point];
      sum += r.seconds;
      ++count;
    }
  std::vector<const StoredRun*> pending;
  bool all_measured = true;
  for (const StoredRun& r : runs)
    if (r.status == "pending") {
      pending.push_back(&r);
      all_measured = all_measured && measured.count(r.point) > 0;
    }
  std::map<long, double> cost;  // point → cost
  for (const StoredRun* r : pending) {
    if (cost.count(r->point)) continue;
    if (all_measured) {
      const auto& [sum, count] = measured.at(r->point);
      cost[r->point] = sum / static_cast<double>(count);
    } else {
      cost[r->point] = WorkEstimate(store.SpecOf(*r).params);
    }
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [&](const StoredRun* a, const StoredRun* b) { return cost.at(a->point) > cost.at(b->point); });
  std::vector<long> ids;
  for (const StoredRun* r : pending) ids.push_back(r->id);
  return ids;
}

bool RunTrial(const TrialKind& kind, TrialSpec spec, TrialResult* result, std::string* error) {
  try {
    spec.params = KindParams(spec.params);
    *result = kind.run(spec);
    return true;
  } catch (const InterruptedError&) {
    throw;  // the run stops; the trial is not a failure (the next run resets it to pending)
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}

void NoteFailure(RunSummary& summary, std::pair<long, long>& first_failed, const TrialSpec& spec,
                 const std::string& error) {
  const std::pair<long, long> key{spec.point, spec.trial};
  if (summary.first_error.empty() || key < first_failed) {
    first_failed = key;
    summary.first_error = "point " + std::to_string(key.first) + " trial " + std::to_string(key.second) + ": " + error;
  }
}

void FinishRun(ResultStore& store, const RunOptions& opts, long ran, long failed, double seconds,
               RunSummary& summary) {
  const RunCounts after = store.Counts();
  summary.ran = ran;
  summary.failed = failed;
  summary.remaining = after.total() - after.done;
  if (opts.export_csv) store.ExportCsv(summary.out);
  summary.AddTiming("run", seconds);
  summary.termination = summary.remaining == 0 ? Termination::kConverged
                        : failed > 0           ? Termination::kFailed
                                               : Termination::kMaxIterations;
  summary.message = std::to_string(after.done) + " of " + std::to_string(after.total()) + " trials done";
}

RunSummary RunExperiment(const ExperimentConfig& config, const RunOptions& opts, const TrialKind& kind,
                         std::ostream& progress) {
  ValidateOrThrow(opts, "run");
  ML_REQUIRE(opts.ranks_per_trial == 1)
      << "--ranks-per-trial " << opts.ranks_per_trial << " needs an MPI launch (mpirun -np 1+g*"
      << opts.ranks_per_trial << " marginlab run ...); a single process trains each network alone";
  Stopwatch clock;
  RunSummary summary;
  summary.out = OutDir(config, opts);
  const std::vector<TrialSpec> trials = PlanTrials(config, opts, kind);
  ResultStore store(summary.out, config, opts.scale, opts.ShardText());
  const SharedCacheScope shared(SharedCacheFolder(summary.out));  // L* and the like, once per run
  store.AddTrials(trials);
  store.ResetUnfinished();
  store.SetClaimOrder(ClaimOrder(store));  // longest first
  const RunCounts before = store.Counts();
  summary.total = before.total();
  summary.already_done = before.done;

  const int threads = opts.threads == 0 ? HardwareThreads() : opts.threads;
  const int workers = static_cast<int>(std::max<long>(1, std::min<long>(threads, before.pending)));
  const int saved_threads = NumThreads();
  SetNumThreads(workers > 1 ? 1 : threads);  // parallel trials run single-threaded inside

  Progress bar(progress, config.name + " [" + opts.scale + "]", before.total(), before.done,
               ::isatty(STDERR_FILENO) != 0);
  std::atomic<long> started{0}, ran{0}, failed{0};
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<int> active{workers};
  // A trial that throws is a failed trial. The store failing (disk full, a read-only folder,
  // a lost lock) is not: it stops every worker, and RunExperiment rethrows it once they have
  // joined — an exception never escapes a worker thread, and no trial is claimed after it.
  std::atomic<bool> stop{false};
  std::pair<long, long> first_failed{0, 0};  // (point, trial) of summary.first_error
  std::exception_ptr store_error;
  bool stopped_by_observer = false;
  auto worker = [&] {
    try {
      while (!stop && (opts.max_trials == 0 || started.fetch_add(1) < opts.max_trials)) {
        CheckInterrupt();
        auto claim = store.ClaimNext();
        if (!claim) break;
        Stopwatch t;
        TrialResult result;
        std::string error;
        const bool ok = RunTrial(kind, claim->second, &result, &error);
        const double seconds = t.Seconds();
        if (ok) {
          store.CompleteRun(claim->first, result, seconds);
        } else {
          store.FailRun(claim->first, error, seconds);
          ++failed;
          std::lock_guard lock(mu);
          NoteFailure(summary, first_failed, claim->second, error);
        }
        ++ran;
        if (opts.observer) {
          std::lock_guard lock(mu);  // one record at a time, with consistent counts
          const TrialEvent ev{claim->second.point, claim->second.trial, ok, ok ? "" : error, seconds,
                              before.done + ran - failed, failed, before.total()};
          if (!stop && !opts.observer(ev)) stop = stopped_by_observer = true;
        }
        cv.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mu);
      if (!store_error) store_error = std::current_exception();
      stop = true;
    }
    --active;
    cv.notify_all();
  };
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) pool.emplace_back(worker);
  {
    std::unique_lock lock(mu);
    while (active > 0) {
      cv.wait_for(lock, std::chrono::milliseconds(500));
      bar.Update(before.done + ran - failed, failed);
    }
  }
  for (auto& t : pool) t.join();
  if (store_error) {
    SetNumThreads(saved_threads);
    try {
      std::rethrow_exception(store_error);
    } catch (const InterruptedError&) {
      throw;  // finished trials are stored; the ones running are reset to pending by the next run
    } catch (const std::exception& e) {
      throw InputError(std::string(e.what()) + "; the run stopped: every finished trial is kept, " +
                       "re-run with the same --out to resume");
    }
  }
  SetNumThreads(saved_threads);
  bar.Finish(before.done + ran - failed, failed);
  FinishRun(store, opts, ran, failed, clock.Seconds(), summary);
  if (stopped_by_observer && summary.remaining > 0) {
    summary.termination = Termination::kStopped;
    summary.message += " (stopped by the observer)";
  }
  return summary;
}

}  // namespace marginlab::experiment
