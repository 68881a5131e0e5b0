// What every runner (threads: runner.cpp; MPI ranks: mpi_runner.cpp) does before and after its
// trials, so that both store the same thing. Private to src/experiment.
#pragma once

#include <string>
#include <vector>

#include "marginlab/experiment/runner.hpp"
#include "marginlab/experiment/store.hpp"

namespace marginlab::experiment {

// The output folder (opts.out, or the default for the scale and shard).
std::filesystem::path OutDir(const ExperimentConfig& config, const RunOptions& opts);

// The trials of this run: the sweep at opts.scale (this shard's share of it), after every sweep
// point's parameters passed the kind's check (InputError naming a bad one, before any folder is
// touched).
std::vector<TrialSpec> PlanTrials(const ExperimentConfig& config, const RunOptions& opts, const TrialKind& kind);

// The order in which a run hands out its pending trials: longest first, so that the longest
// trials do not start last and set the sweep's end. A trial's cost is the mean measured seconds
// of the done trials of its sweep point (the same shape) when every pending point has one; else
// a work estimate from its parameters (WorkEstimate) for all of them. Ties keep the sweep order.
std::vector<long> ClaimOrder(ResultStore& store);

// The results folder's shared values (core/shared_cache.hpp): DIR/.cache.
inline std::filesystem::path SharedCacheFolder(const std::filesystem::path& out) { return out / ".cache"; }

// A relative work estimate for ordering only (never a time): the product of the size parameters
// a trial has — n, d, k, width, steps, epochs, particles, samples — as plain parameters or inside
// data specs ("teacher:d=20,n=400"), each at least 1.
double WorkEstimate(const ParamMap& params);

// Runs one claimed trial: the kind's function on the trial's kind parameters. A trial that
// throws is a failed trial: returns false with its reason in *error.
bool RunTrial(const TrialKind& kind, TrialSpec spec, TrialResult* result, std::string* error);

// The lowest (point, trial) failure wins the summary's first_error, whatever the finishing order.
void NoteFailure(RunSummary& summary, std::pair<long, long>& first_failed, const TrialSpec& spec,
                 const std::string& error);

// The end of a run: counts, the CSV export, the termination and the message.
void FinishRun(ResultStore& store, const RunOptions& opts, long ran, long failed, double seconds,
               RunSummary& summary);

}  // namespace marginlab::experiment
