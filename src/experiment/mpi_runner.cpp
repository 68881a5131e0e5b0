// The MPI runner (runner.hpp: RunExperimentMpi): `mpirun -np N marginlab run EXP ...`.
//
// Rank 0 is the only process that touches the results store: it plans the sweep (the same
// PlanTrials as a threaded run), opens the store, and hands trials out one at a time, in the
// store's claim order, to whichever worker asks; workers (ranks 1 … N−1) run a trial at a time
// with their own thread count and send its record back, and rank 0 commits it (CompleteRun /
// FailRun: one transaction per trial, as in a threaded run). Rank 0 runs trials too, on a thread
// of its own that claims from the store directly, while its main thread answers the workers. A trial's numbers depend only on
// its spec, so the store holds, bit for bit, what a plain run stores, whatever N and the threads.
//
// Protocol (point to point, MPI_BYTE payloads): a worker sends READY once, then a RESULT per
// trial (which also asks for the next); rank 0 answers each with TASK or STOP. Waiting is
// MPI_Iprobe with a sleep that grows from 0.1 to 5 ms — never a spinning core (Open MPI's
// blocking receive polls) — so rank 0's dispatching costs a core only while it commits.
//
// Groups (--ranks-per-trial K > 1): ranks 1 … N−1 form groups of K (MpiSession::Split); a
// group's first rank does the READY/RESULT exchange and broadcasts each task to its group, whose
// members train the trial's network together (TrialSpec::group → nn::Train, data-parallel) and
// the first sends the record. Rank 0 then runs no trials. A group's trial is one data-parallel
// run: its numbers depend on K (the gradient's sum order), and the record says so
// (data_parallel_ranks). A member that fails alone (out of memory) leaves the others waiting
// in the sum: mpirun's job limit or a kill ends it, and the rerun resumes.
//
// Faults: a killed rank ends the job (mpirun); the store then holds every finished trial once,
// and a rerun resets the trials left running and runs them (ResetUnfinished). A store error on
// rank 0 (disk full) stops the hand-out, lets every worker finish its trial and stop, and ends
// the run with the error, like a threaded run.
#include "marginlab/experiment/runner.hpp"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <ostream>
#include <thread>
#include <unistd.h>

#include "experiment/progress.hpp"
#include "experiment/run_plan.hpp"
#include "marginlab/build_config.hpp"
#include "marginlab/core/bytes.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/features.hpp"
#include "marginlab/core/mpi.hpp"
#include "marginlab/core/shared_cache.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/experiment/store.hpp"

#if MARGINLAB_HAVE_MPI
#include <mpi.h>
#endif

namespace marginlab::experiment {

#if !MARGINLAB_HAVE_MPI

RunSummary RunExperimentMpi(const ExperimentConfig&, const RunOptions&, std::ostream&) {
  RequireFeature("mpi");  // throws UnavailableError naming the CMake option
  throw InternalError("RequireFeature(\"mpi\") passed in a build without MPI");
}

#else

namespace {

enum Tag : int { kReady = 1, kTask = 2, kStop = 3, kResult = 4, kSetup = 5 };

void PackResult(ByteWriter& p, const TrialResult& r) {
  p.Long(static_cast<long>(r.finals.size()));
  for (const auto& [name, value] : r.finals) p.Text(name), p.Double(value);
  p.Long(static_cast<long>(r.trace.size()));
  for (const auto& row : r.trace) {
    p.Long(row.step);
    p.Long(static_cast<long>(row.values.size()));
    for (const auto& [name, value] : row.values) p.Text(name), p.Double(value);
  }
  p.Long(static_cast<long>(r.artifacts.size()));
  for (const auto& [name, json] : r.artifacts) p.Text(name), p.Text(json);
}

TrialResult UnpackResult(ByteReader& u) {
  TrialResult r;
  for (long i = 0, n = u.Long(); i < n; ++i) {
    std::string name = u.Text();
    r.finals.emplace_back(std::move(name), u.Double());
  }
  for (long i = 0, n = u.Long(); i < n; ++i) {
    TraceRow row;
    row.step = u.Long();
    for (long k = 0, m = u.Long(); k < m; ++k) {
      std::string name = u.Text();
      row.values.emplace_back(std::move(name), u.Double());
    }
    r.trace.push_back(std::move(row));
  }
  for (long i = 0, n = u.Long(); i < n; ++i) {
    std::string name = u.Text();
    r.artifacts.emplace_back(std::move(name), u.Text());
  }
  return r;
}

void Send(const std::string& bytes, int to, int tag) {
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD);
}

// Waits without spinning for a message (from `from`, or any rank), receives it.
std::string Receive(int from, int* source, int* tag) {
  MPI_Status st;
  int flag = 0;
  auto nap = std::chrono::microseconds(100);
  for (;;) {
    MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag) break;
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, std::chrono::microseconds(5000));
  }
  int count = 0;
  MPI_Get_count(&st, MPI_BYTE, &count);
  std::string bytes(static_cast<std::size_t>(count), '\0');
  MPI_Recv(bytes.data(), count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (source) *source = st.MPI_SOURCE;
  if (tag) *tag = st.MPI_TAG;
  return bytes;
}

// Threads for a rank's trials: --threads, else this node's cores shared by the ranks that run
// trials on it (every rank; with --ranks-per-trial > 1 all but rank 0, which only dispatches).
int ThreadsPerRank(const MpiSession& mpi, const RunOptions& opts) {
  if (opts.threads > 0) return opts.threads;
  const int computing = mpi.local_ranks() - (opts.ranks_per_trial > 1 && mpi.rank0_is_local() ? 1 : 0);
  return std::max(1, HardwareThreads() / std::max(1, computing));
}

// --ranks-per-trial K > 1: ranks 1 … N−1 in groups of K consecutive ranks (group g: ranks
// 1 + gK … gK + K); rank 0 is in none. Checked by rank 0 before the store is touched.
void CheckGroups(const MpiSession& mpi, const RunOptions& opts, const TrialKind& kind) {
  const int K = opts.ranks_per_trial;
  if (K == 1) return;
  ML_REQUIRE(kind.data_parallel) << "--ranks-per-trial " << K << ": trials of kind '" << kind.name
                                 << "' run on one rank each (only nn-train trains a network data-parallel)";
  ML_REQUIRE(mpi.size() > K && (mpi.size() - 1) % K == 0)
      << "--ranks-per-trial " << K << " needs -np 1 + a multiple of " << K
      << " (rank 0 hands the trials out, the others train in groups of " << K << "), got -np " << mpi.size();
}

RunSummary Dispatch(const MpiSession& mpi, const ExperimentConfig& config, const RunOptions& opts,
                    std::ostream& progress) {
  Stopwatch clock;
  RunSummary summary;
  summary.out = OutDir(config, opts);
  std::unique_ptr<ResultStore> store;
  RunCounts before;
  std::exception_ptr setup_error;
  const TrialKind* kind_ptr = nullptr;
  try {
    kind_ptr = &FindTrialKind(config.kind);
    CheckGroups(mpi, opts, *kind_ptr);
    const std::vector<TrialSpec> trials = PlanTrials(config, opts, *kind_ptr);
    store = std::make_unique<ResultStore>(summary.out, config, opts.scale, opts.ShardText());
    store->AddTrials(trials);
    store->ResetUnfinished();
    store->SetClaimOrder(ClaimOrder(*store));  // longest first
    before = store->Counts();
  } catch (...) {
    setup_error = std::current_exception();
  }
  int code = setup_error ? ExitCodeOf(setup_error) : 0;
  MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);  // non-zero: the workers end quietly, rank 0 reports
  if (setup_error) std::rethrow_exception(setup_error);
  const int K = opts.ranks_per_trial;
  if (K > 1) mpi.Split(-1);  // collective: the workers form their groups; rank 0 joins none
  const SharedCacheScope shared(SharedCacheFolder(summary.out));  // rank 0's own trials
  summary.total = before.total();
  summary.already_done = before.done;
  Progress bar(progress, config.name + " [" + opts.scale + "]", before.total(), before.done,
               ::isatty(STDERR_FILENO) != 0);
  const int saved_threads = NumThreads();
  SetNumThreads(ThreadsPerRank(mpi, opts));
  // Rank 0's own trials run on a thread of their own, claiming from the store directly; the
  // main thread answers the workers (MPI from the main thread only: MPI_THREAD_FUNNELED).
  std::mutex mu;  // guards the counters, the first failure and the store error below
  long started = 0, ran = 0, failed = 0;
  std::pair<long, long> first_failed{0, 0};
  std::exception_ptr store_error;
  auto claim_next = [&]() -> std::optional<std::pair<long, TrialSpec>> {
    std::lock_guard lock(mu);
    if (store_error || (opts.max_trials != 0 && started >= opts.max_trials)) return std::nullopt;
    try {
      auto claim = store->ClaimNext();
      if (claim) ++started;
      return claim;
    } catch (...) {
      store_error = std::current_exception();
      return std::nullopt;
    }
  };
  // Commits one trial's outcome (result, or the error of a failed trial).
  auto record = [&](long id, const TrialSpec& spec, bool ok, const TrialResult* result, const std::string& error,
                    double seconds) {
    std::lock_guard lock(mu);
    if (store_error) return;  // the store failed: nothing more is written; the trial reruns next time
    try {
      if (ok) {
        store->CompleteRun(id, *result, seconds);
      } else {
        store->FailRun(id, error, seconds);
        ++failed;
        NoteFailure(summary, first_failed, spec, error);
      }
      ++ran;
    } catch (...) {
      store_error = std::current_exception();
    }
  };
  std::thread local([&] {
    if (K > 1) return;  // with groups rank 0 only dispatches
    while (auto claim = claim_next()) {
      Stopwatch t;
      TrialResult result;
      std::string error;
      const bool ok = RunTrial(*kind_ptr, claim->second, &result, &error);
      record(claim->first, claim->second, ok, &result, error, t.Seconds());
    }
  });
  int active = (mpi.size() - 1) / K;  // the workers that ask: every other rank, or each group's first
  std::map<long, TrialSpec> in_flight;  // id → spec, trials out at the workers
  while (active > 0) {
    int source = 0, tag = 0;
    const std::string bytes = Receive(MPI_ANY_SOURCE, &source, &tag);
    if (tag == kResult) {
      ByteReader u(bytes);
      const long id = u.Long();
      const bool ok = u.Long() != 0;
      const double seconds = u.Double();
      const TrialSpec spec = in_flight.at(id);
      in_flight.erase(id);
      if (ok) {
        const TrialResult result = UnpackResult(u);
        record(id, spec, true, &result, "", seconds);
      } else {
        record(id, spec, false, nullptr, u.Text(), seconds);
      }
    }
    {
      std::lock_guard lock(mu);
      bar.Update(before.done + ran - failed, failed);
    }
    if (auto claim = claim_next()) {
      ByteWriter p;
      p.Long(claim->first);
      p.Long(claim->second.point);
      p.Long(claim->second.trial);
      p.Text(std::to_string(claim->second.seed));
      p.Long(static_cast<long>(claim->second.params.entries().size()));
      for (const auto& [k, v] : claim->second.params.entries()) p.Text(k), p.Text(v);
      in_flight.emplace(claim->first, std::move(claim->second));
      Send(p.bytes(), source, kTask);
    } else {
      Send("", source, kStop);
      --active;
    }
  }
  local.join();
  SetNumThreads(saved_threads);
  if (store_error) {
    try {
      std::rethrow_exception(store_error);
    } catch (const std::exception& e) {
      throw InputError(std::string(e.what()) + "; the run stopped: every finished trial is kept, " +
                       "re-run with the same --out to resume");
    }
  }
  bar.Finish(before.done + ran - failed, failed);
  FinishRun(*store, opts, ran, failed, clock.Seconds(), summary);
  summary.message += " (" + std::to_string(mpi.size()) + " MPI ranks)";
  return summary;
}

RunSummary Work(const MpiSession& mpi, const ExperimentConfig& config, const RunOptions& opts) {
  int code = 0;
  MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  RunSummary s;
  s.rank = mpi.rank();
  if (code != 0) {
    // Rank 0 reports the error and exits with its code (so does mpirun); a worker has nothing to
    // say or clean up, and ends quietly even when mpirun terminates it on rank 0's exit.
    std::signal(SIGTERM, SIG_DFL);
    return s;
  }
  const TrialKind& kind = FindTrialKind(config.kind);
  // Values many trials need (meanfield's L*) through the results folder, when this rank sees it
  // (the same path; on a cluster, a shared file system): computed once for the whole run.
  const SharedCacheScope shared(SharedCacheFolder(OutDir(config, opts)));
  const int K = opts.ranks_per_trial;
  // With groups, the group's first rank talks to rank 0 and passes each task (or the stop, an
  // empty message) to its group; every member runs the trial; the first sends the result.
  const std::unique_ptr<Collective> group = K > 1 ? mpi.Split((mpi.rank() - 1) / K) : nullptr;
  const bool talks = !group || group->rank() == 0;
  auto next_task = [&](std::string* bytes) {
    if (talks) {
      int tag = 0;
      *bytes = Receive(0, nullptr, &tag);
      if (tag == kStop) bytes->clear();
    }
    if (group) group->Broadcast(*bytes);
    return !bytes->empty();
  };
  const int saved_threads = NumThreads();
  SetNumThreads(ThreadsPerRank(mpi, opts));
  if (talks) Send("", 0, kReady);
  std::string bytes;
  while (next_task(&bytes)) {
    ByteReader u(bytes);
    const long id = u.Long();
    TrialSpec spec;
    spec.point = u.Long();
    spec.trial = u.Long();
    spec.seed = std::stoull(u.Text());
    spec.params = ParamMap(config.path + " point " + std::to_string(spec.point));
    for (long i = 0, n = u.Long(); i < n; ++i) {
      std::string key = u.Text();
      spec.params.Set(key, u.Text());
    }
    spec.group = group.get();
    Stopwatch t;
    TrialResult result;
    std::string error;
    const bool ok = RunTrial(kind, spec, &result, &error);
    if (!talks) continue;
    ByteWriter p;
    p.Long(id);
    p.Long(ok ? 1 : 0);
    p.Double(t.Seconds());
    if (ok)
      PackResult(p, result);
    else
      p.Text(error);
    Send(p.bytes(), 0, kResult);
  }
  SetNumThreads(saved_threads);
  return s;
}

}  // namespace

RunSummary RunExperimentMpi(const ExperimentConfig& config, const RunOptions& opts, std::ostream& progress) {
  ValidateOrThrow(opts, "run");
  const MpiSession mpi;
  if (mpi.size() == 1) return RunExperiment(config, opts, progress);
  return mpi.rank() == 0 ? Dispatch(mpi, config, opts, progress) : Work(mpi, config, opts);
}

#endif

}  // namespace marginlab::experiment
