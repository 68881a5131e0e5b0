// The experiment runner: expands a config's sweep at one scale, stores every
// trial in DIR/results.sqlite, and runs the unfinished ones in parallel.
//
// Resuming: running again with the same DIR runs only the trials that are not
// 'done' (a trial killed mid-flight is reset to pending and re-run from its
// seed, so it produces the same numbers); finished trials are never re-run or
// touched. Parallelism: `threads` workers each run whole trials (each trial
// single-threaded), so results do not depend on the thread count.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "marginlab/core/mpi.hpp"  // LaunchedWithMpi
#include "marginlab/core/options.hpp"
#include "marginlab/experiment/config.hpp"
#include "marginlab/experiment/trial_kind.hpp"

namespace marginlab::experiment {

// A finished trial, for RunOptions::observer: which one, how it ended, and the run's counts.
struct TrialEvent {
  long point = 0, trial = 0;
  bool ok = true;          // false: a failed trial (error says why)
  std::string error;
  double seconds = 0;
  long done = 0;           // trials done in the store now (this run's and earlier)
  long failed = 0;         // trials failed in this run
  long total = 0;          // trials in the sweep (this shard's)
};

struct RunOptions {
  std::string scale = "quick";
  std::filesystem::path out;  // default: runs/<experiment>-<scale>
  int threads = 0;            // 0 = all cores
  long max_trials = 0;        // stop after running this many trials (0 = all)
  bool export_csv = true;     // write DIR/runs.csv and DIR/trace.csv at the end
  // Shard shard_index of shard_count: only the trials whose position in the sweep (its
  // (point, trial) order) is shard_index modulo shard_count, in a store of their own marked
  // "i/N"; `marginlab merge` (merge.hpp) joins the shards. 0 of 1: the whole sweep.
  long shard_index = 0, shard_count = 1;
  // Under mpirun: MPI ranks per trial (> 1: rank 0 only hands trials out and writes the store;
  // ranks 1 … N−1 form groups of this many consecutive ranks, each group training one network
  // at a time data-parallel; kinds with TrialKind::data_parallel only). 1 outside MPI.
  int ranks_per_trial = 1;
  // Called after each finished trial (one at a time); false: claim no further trial (the ones
  // running finish), the summary's termination is kStopped. The threaded runner only.
  Observer<TrialEvent> observer;

  std::string Validate() const;
  // "i/N" (or "" for the whole sweep).
  std::string ShardText() const;
};

// Parses --shard "i/N" (0 ≤ i < N) into opts; InputError naming `what` otherwise.
void ParseShard(const std::string& text, const std::string& what, RunOptions& opts);

struct RunSummary : SummaryBase {
  int rank = 0;           // MPI: this process's rank (only rank 0 holds the counts)
  std::filesystem::path out;
  long total = 0;         // trials in the sweep
  long already_done = 0;  // done before this run started
  long ran = 0;           // run (to completion or failure) by this run
  long failed = 0;        // failed in this run
  long remaining = 0;     // not done when this run ended
  std::string first_error;  // "point P trial T: <reason>" of the lowest (P, T) that failed in this run
};

// Runs with the registered trial kind named by config.kind.
RunSummary RunExperiment(const ExperimentConfig& config, const RunOptions& opts, std::ostream& progress);
// Runs with an explicit kind (tests use this to run a kind of their own).
RunSummary RunExperiment(const ExperimentConfig& config, const RunOptions& opts, const TrialKind& kind,
                         std::ostream& progress);

// `mpirun -np N marginlab run …` (mpi_runner.cpp): rank 0 plans the sweep, is the only writer
// of the store and hands trials out one at a time to the other ranks, which run them with
// their own thread count (opts.threads, else this node's cores shared by its ranks) and send
// the records back; rank 0 runs trials too, on a thread of its own. The store holds, bit for bit, what RunExperiment stores. With one rank it is
// RunExperiment. Worker ranks return a summary with only `rank` set (also when rank 0 could not
// start: bad config, a refused folder — rank 0 throws and reports it). UnavailableError when
// built without MPI.
RunSummary RunExperimentMpi(const ExperimentConfig& config, const RunOptions& opts, std::ostream& progress);

std::filesystem::path DefaultOutDir(const ExperimentConfig& config, const std::string& scale);

}  // namespace marginlab::experiment
