// Trial kinds: what one trial of an experiment computes.
//
// An experiment config names a kind; the runner calls the kind's function once
// per trial with the trial's merged parameters and seed. A kind reads its
// parameters with ApplyParams into its own Options struct (so unknown or
// malformed parameters are errors naming the config file), runs, and returns
// final metrics, an optional per-step trace, and optional named artifacts
// (JSON text, e.g. a function sampled on a grid for a figure).
//
// Kinds are registered in TrialKinds() (trial_kind.cpp), one entry per kind.
// A kind must be deterministic given (params, seed) and must not depend on the
// thread count.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "marginlab/experiment/config.hpp"

namespace marginlab::experiment {

struct TraceRow {
  long step = 0;
  std::vector<std::pair<std::string, double>> values;
};

struct TrialResult {
  std::vector<std::pair<std::string, double>> finals;
  std::vector<TraceRow> trace;
  std::vector<std::pair<std::string, std::string>> artifacts;  // name → JSON text

  void AddFinal(const std::string& name, double value) { finals.emplace_back(name, value); }
};

struct TrialKind {
  std::string name;
  std::string summary;
  std::function<TrialResult(const TrialSpec&)> run;
  // Pre-flight: parses and validates a trial's parameters (names and values) without loading
  // data or running; throws InputError naming the parameter. The runner calls it for every
  // sweep point before it creates or touches the results folder. Optional.
  std::function<void(const TrialSpec&)> check;
  // Runs one trial on a group of ranks when TrialSpec::group is set (nn-train: data-parallel
  // training); the runner refuses --ranks-per-trial > 1 for other kinds.
  bool data_parallel = false;
};

const std::vector<TrialKind>& TrialKinds();
// Throws InputError listing the known kinds.
const TrialKind& FindTrialKind(const std::string& name);

}  // namespace marginlab::experiment
