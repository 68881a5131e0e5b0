// What a training run leaves (train.hpp): the divergence rule every caller applies, and the
// network file of its trials.
#include <string>

#include "marginlab/core/error.hpp"
#include "marginlab/nn/network_file.hpp"
#include "marginlab/nn/train.hpp"

namespace marginlab::nn {

void RequireNoDivergence(const std::vector<TrainSummary>& res) {
  long diverged = 0;
  std::string first;
  for (const auto& s : res)
    if (s.termination == Termination::kDiverged && diverged++ == 0)
      first = "trial " + std::to_string(s.trial) + ": " + s.message;
  if (diverged > 0)
    throw FailedRunError("train: " + std::to_string(diverged) + " of " + std::to_string(res.size()) +
                         " trial(s) diverged (" + first +
                         "); a diverged run is a failure, not a result (nothing was saved)");
}

void SaveTrainedNetworks(const std::filesystem::path& path, const std::vector<TrainSummary>& res,
                         const TrainOptions& opts, const std::string& data) {
  ML_CHECK(!res.empty()) << "SaveTrainedNetworks: no trials";
  const auto& shape = res[0].shape;
  NetworkFileWriter w(shape.dims, shape.OutputScale(), shape.freeze_output);
  std::vector<Weights<double>> init, final;
  for (const auto& s : res) init.push_back(s.init), final.push_back(s.final);
  w.AddLayers("init", init);
  w.AddLayers("final", final);
  w.SetObjective({opts.loss, opts.lambda, opts.reg_power, opts.scaling, data, "train"});
  w.Write(path);
}

}  // namespace marginlab::nn
