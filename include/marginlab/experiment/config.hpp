// Experiment configurations: one TOML file per reproduced figure or theorem,
// with scales (smoke / quick / paper), expanded into a list of trials.
//
// File format (every key is checked; an unknown key is an error naming the
// file and the key):
//
//   [experiment]
//   name = "fig2"                      # short id, used in `marginlab list`
//   title = "…"                        # one line
//   source = "Wei et al. 2019, Fig. 2" # paper, figure or theorem
//   kind = "nn-train"                  # trial kind (see trial_kind.hpp)
//   seed = 0                           # experiment seed (default 0)
//
//   [params]                           # parameters of every trial, every scale
//   data = "teacher:d=20,n={n},seed={seed}"
//
//   [scale.smoke]                      # one table per scale
//   trials = 2                         # independent trials per sweep point
//   measured_seconds = 3.1             # wall time measured on 2 cores (informative)
//   [scale.smoke.params]               # overrides for this scale
//   steps = 100
//   [scale.smoke.sweep]                # Cartesian product of these lists
//   n = [50, 100]
//   lambda = [5e-4, 0.0]
//   [scale.smoke.zip]                  # lists of equal length that vary together:
//   _task = ["classification", "regression"]   # one more axis of the product,
//   loss = ["logistic", "squared"]             # (classification, logistic), …
//
// Values may be strings, integers, floats or booleans; sweeps are arrays of
// them; sweep axes expand in alphabetical order of their names (the first
// name outermost), as TOML tables are unordered. Parameters merge in the order [params] < [scale.X.params] < sweep
// point. Text values may reference other parameters as {name}, and {trial},
// {point} and {seed}; references are substituted after merging.
//
// Template variables: parameters whose names start with '_' (e.g. _d, _n) are
// for substitution and for the analysis only. They are stored with the trial
// (so reports can group by them) but not passed to the trial kind.
//
// Seeds: trial t of every sweep point gets the same seed,
//   seed_t = Rng(experiment.seed).Split(t).key(),
// so the points of a sweep are compared on common random numbers (e.g. the
// regularized and unregularized nets of Fig. 2 share their initialization),
// and trial t draws the same numbers whatever the thread count or process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "marginlab/core/collective.hpp"
#include "marginlab/core/params.hpp"

namespace marginlab::experiment {

// Limits checked before anything is expanded or stored: trials of one scale (sweep points ×
// trials per point), and the length of a parameter's text after {…} substitution.
inline constexpr long kMaxTrials = 1'000'000;
inline constexpr std::size_t kMaxParamText = 1 << 16;

struct ScaleConfig {
  long trials = 1;
  double measured_seconds = 0;  // 0 = not measured
  ParamMap params;              // overrides for this scale
  std::vector<std::pair<std::string, std::vector<std::string>>> sweep;  // axis → values
  std::vector<std::pair<std::string, std::vector<std::string>>> zip;    // varied together
};

// True for a template variable name ("_d").
inline bool IsTemplateVariable(const std::string& name) { return !name.empty() && name[0] == '_'; }
// The parameters a trial kind sees: `params` without template variables.
ParamMap KindParams(const ParamMap& params);

struct ExperimentConfig {
  std::string path;  // the TOML file it came from
  std::string text;  // its full text (stored with the results)
  std::string name, title, source, kind;
  std::uint64_t seed = 0;
  ParamMap params;
  std::map<std::string, ScaleConfig> scales;  // "smoke", "quick", "paper", …

  const ScaleConfig& Scale(const std::string& scale) const;  // InputError if absent
};

// One trial: its sweep point, trial index, seed and fully merged parameters.
struct TrialSpec {
  long point = 0;
  long trial = 0;
  std::uint64_t seed = 0;
  ParamMap params;
  // Where the trial runs, not what it is (never stored): the group of MPI ranks that run it
  // together (`marginlab run --ranks-per-trial K` under mpirun), for kinds that can
  // (TrialKind::data_parallel); nullptr: this process alone.
  Collective* group = nullptr;
};

ExperimentConfig LoadExperimentConfig(const std::filesystem::path& path);
ExperimentConfig ParseExperimentConfig(const std::string& text, const std::string& path);

// Applies `--set key=value` overrides to the parameters of the config and of every scale that
// sets the key, and records each as a line "# --set key=value" appended to `text`, so that a
// results folder is resumed only with the same overrides. InputError for a malformed or
// repeated override.
void ApplyOverrides(ExperimentConfig& config, const std::vector<std::string>& sets);

// What of a config's text decides a scale's results: the parsed TOML (comments and layout
// gone, keys in a fixed order) without the other scales and without `measured_seconds`, plus
// the recorded `--set` lines (in sorted order), so that recording a time or a comment, or
// editing another scale, leaves a stored run resumable. A result store compares this, not the
// raw text. Throws InputError for invalid TOML.
std::string ResultsDefiningText(const std::string& text, const std::string& path, const std::string& scale);

// The config a store's config_text came from: the TOML parsed again and its recorded `--set`
// lines applied again, so that config.text == text (InputError if the text is not of that form).
ExperimentConfig ConfigFromStoredText(const std::string& text, const std::string& path);

// All trials of a scale, ordered by (point, trial). Throws InputError for an
// unknown scale or an unresolvable {reference}.
std::vector<TrialSpec> ExpandTrials(const ExperimentConfig& config, const std::string& scale);

// The built-in experiment files (experiments/*.toml under the source tree, or
// under `dir` when given), sorted by name.
std::vector<std::filesystem::path> ListExperimentFiles(const std::filesystem::path& dir = {});
// Resolves an experiment argument: a path to a TOML file, or a built-in name.
std::filesystem::path ResolveExperiment(const std::string& arg);

}  // namespace marginlab::experiment
