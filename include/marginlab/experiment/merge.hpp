// Merging results stores: the shards of one sweep (`marginlab run --shard i/N`, e.g. one per
// node of a scheduler without MPI) into one store, as if one run had made it.
//
// Every input must hold the same experiment at the same scale from the same results-defining
// config text (comments and recorded times may differ). The output folder is a plain store of
// that sweep (created, or an existing one of the same sweep): each trial (point, trial) appears
// once, with the seed and parameters every input agrees on (an InputError otherwise). A trial
// done in one input is copied with its trace, finals and artifacts (a trial done in several must
// have bitwise equal finals: inputs that disagree are an InputError naming the trial); a trial
// failed everywhere it was run is copied as failed with its reason; anything else stays pending,
// so `marginlab run EXP --out OUT` finishes it. Trials are added in (point, trial) order, the
// order a plain run adds them: a merge of shards stores what one plain run stores.
#pragma once

#include <filesystem>
#include <vector>

namespace marginlab::experiment {

struct MergeSummary {
  long inputs = 0;
  long trials = 0;      // distinct (point, trial) in the output
  long copied = 0;      // done trials copied into the output by this merge
  long duplicates = 0;  // done in more than one input (identical; copied once)
  long failed = 0;      // failed in every input that ran them
  long pending = 0;     // still to run in the output
};

MergeSummary MergeStores(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out);

}  // namespace marginlab::experiment
