// `marginlab train`: train homogeneous ReLU networks on the regularized loss
// (nn/train.hpp). Every TrainOptions field is a flag (--init-std for init_std)
// and a TOML key of --config (init_std or init-std); flags override the file.
// Also the hidden `marginlab nn grad`, which prints the objective and its
// gradient at given parameters as JSON (used by the PyTorch cross-checks).
//
// Parameter files (--save / --init-from) are saved networks (nn/network_file.hpp): init/ and
// final/ layers of every trial and the objective (loss, λ, r, scaling, data).
// --init-from reads W1… if present, else init/W1… (or <key>/W1… with
// --init-key); 2-D arrays start every trial there, 3-D arrays one per trial.

#include <algorithm>
#include <cmath>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/mpi.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/nn/network_file.hpp"
#include "marginlab/nn/train.hpp"

namespace marginlab::cli {
namespace {

using nn::TrainOptions;
using nn::Weights;

struct TrainArgs {
  FieldFlags flags;    // every TrainOptions field and kCommandKeys, as flags and --config keys
  bool json = false;
  std::string params;  // nn grad: parameter file
};

std::vector<FieldInfo> TrainFields() {
  std::vector<FieldInfo> fields = DescribeFields(TrainOptions{});
  fields.push_back({"data", "string", "", "training data (generator spec, file or folder; see marginlab data list)", {}});
  fields.push_back({"test_data", "string", "", "test data (as --data)", {}});
  fields.push_back({"save", "string", "", "write initial and final parameters to this .npz", {}});
  fields.push_back({"init_from", "string", "", "start from the parameters in this .npz", {}});
  fields.push_back({"init_key", "string", "", "member prefix to read from --init-from (e.g. final)", {}});
  return fields;
}

ParamMap CollectParams(const TrainArgs& a) { return CollectFieldParams(a.flags, "train"); }

std::string TakeOr(ParamMap& p, const std::string& key) {
  std::string v;
  p.Take(key, &v);
  return v;
}

// Reads initial parameters for `trials` trials of `depth` layers: one set for every trial, or one
// per trial. Key "": bare W1… if present, else init/W1….
std::vector<Weights<double>> ReadInit(const std::string& path, const std::string& key, int depth,
                                      long trials) {
  const nn::NetworkFile file = nn::NetworkFile::Read(path);
  const std::string k = key.empty() && !file.Has("") ? "init" : key;
  const std::string prefix = k.empty() ? "" : k + "/";
  ML_REQUIRE(file.Has(k)) << path << ": no member '" << prefix << "W1' (expected W1…, init/W1… or --init-key; " << file.Contents() << ")";
  ML_REQUIRE(file.Depth(k) >= depth) << path << ": missing member '" << prefix << "W" << file.Depth(k) + 1
                                     << "' for depth " << depth;
  ML_REQUIRE(file.Depth(k) == depth) << path << ": holds more than " << depth << " layers (" << prefix << "W"
                                     << depth + 1 << "); set --depth to match";
  const long T = file.Trials(k);
  ML_REQUIRE(T == 1 || T == trials) << path << ": '" << prefix << "W1' holds " << T << " trials, --trials is "
                                    << trials;
  std::vector<Weights<double>> out;
  for (long t = 0; t < T; ++t) out.push_back(file.Layers(k, t));
  return out;
}

// One trace line of train --json: every field of the record (TrainRecord::Fields), the step as an
// integer, layer norms as a list.
nlohmann::json RecordJson(const nn::TrainRecord& r, long trial) {
  struct Collect {
    nlohmann::json j;
    void Metric(const char* name, double x) { j[name] = x; }
    void Layers(const char* name, const char*, const std::vector<double>& xs) { j[name] = xs; }
    void Step(const char* name, double x) { j[name] = x; }
  } c{{{"type", "trace"}, {"trial", trial}}};
  r.Fields(c);
  c.j["step"] = r.step;
  return c.j;
}

void RunTrainOn(const TrainArgs& a, Collective* group, bool quiet);

// Under mpirun/srun with several ranks the ranks train each network together, data-parallel
// (nn/train.hpp): rank 0 prints, saves and exits with the run's code; the others print nothing.
void RunTrain(const TrainArgs& a) {
  if (!LaunchedWithMpi()) return RunTrainOn(a, nullptr, false);
  const MpiSession mpi;
  std::unique_ptr<Collective> group = mpi.Split(0);
  if (mpi.rank() == 0) return RunTrainOn(a, group.get(), false);
  // The other ranks write no file: when mpirun ends the job (rank 0 failed), they end quietly
  // instead of reporting the interruption too.
  std::signal(SIGTERM, SIG_DFL);
  try {
    RunTrainOn(a, group.get(), true);
  } catch (...) {
    // Every rank meets the same error (the same arguments, the same summed values); rank 0
    // reports it and its exit code is mpirun's. Exiting non-zero here would have mpirun kill
    // rank 0 before it has said why.
  }
}

void RunTrainOn(const TrainArgs& a, Collective* group, bool quiet) {
  ParamMap p = CollectParams(a);
  const std::string data = TakeOr(p, "data"), test_data = TakeOr(p, "test_data"),
                    save = TakeOr(p, "save"), init_from = TakeOr(p, "init_from"),
                    init_key = TakeOr(p, "init_key");
  ML_REQUIRE(!data.empty()) << "train: --data is required (or 'data' in --config)";
  TrainOptions o;
  ApplyParams(p, o);
  const Dataset train = LoadData(data, "--data");
  Dataset test;
  if (!test_data.empty()) test = LoadData(test_data, "--test-data");
  std::vector<Weights<double>> init;
  if (!init_from.empty()) init = ReadInit(init_from, init_key, static_cast<int>(o.depth), o.trials);
  const auto res = nn::Train(o, train, test_data.empty() ? nullptr : &test, init, group);
  if (quiet) {
    nn::RequireNoDivergence(res);
    return;
  }
  const bool diverged = std::any_of(res.begin(), res.end(), [](const nn::TrainSummary& s) {
    return s.termination == Termination::kDiverged;
  });
  if (!save.empty() && !diverged) nn::SaveTrainedNetworks(save, res, o, data);  // never save a diverged net
  if (a.json) {
    for (const auto& s : res)
      for (const auto& r : s.trace) PrintJson(RecordJson(r, s.trial));
    for (const auto& s : res) {
      nlohmann::json summary = {{"type", "summary"}, {"ranks", group ? group->size() : 1}, {"timings", s.timings}};
      AddFieldsJson(s, summary);  // TrainSummary::Fields: the Python trial dict's keys
      PrintJson(summary);
    }
    nn::RequireNoDivergence(res);  // a diverged trial's trace is printed, but the command fails
    return;
  }
  std::cout << "network " << res[0].shape.Describe() << ", " << o.loss << " loss, λ = " << o.lambda
            << ", " << o.optimizer << " lr " << o.lr << ", " << o.dtype << ", data " << train.source
            << " (n = " << train.n() << ")";
  if (group) std::cout << ", data-parallel on " << group->size() << " MPI ranks";
  std::cout << "\n";
  if (res.size() == 1) {
    std::cout << std::setw(8) << "step" << std::setw(13) << "loss" << std::setw(13) << "objective"
              << std::setw(8) << "train" << std::setw(8) << "test" << std::setw(13) << "margin"
              << std::setw(11) << "|Θ|" << std::setw(9) << "changed" << std::setw(8) << "align\n";
    for (const auto& r : res[0].trace)
      std::cout << std::setw(8) << r.step << std::setw(13) << std::setprecision(5) << r.data_loss
                << std::setw(13) << r.objective << std::setw(8) << std::setprecision(3)
                << r.train_error << std::setw(8) << r.test_error << std::setw(13)
                << std::setprecision(5) << r.margin << std::setw(11) << r.norm << std::setw(9)
                << std::setprecision(3) << r.pattern_change << std::setw(8) << r.alignment << "\n";
  }
  for (const auto& s : res) std::cout << s.BriefReport() << "\n";
  if (!save.empty() && !diverged) std::cout << "saved parameters to " << save << "\n";
  nn::RequireNoDivergence(res);  // a diverged trial's trace is printed, but the command fails
}

void RunGrad(const TrainArgs& a) {
  ParamMap p = CollectParams(a);
  const std::string data = TakeOr(p, "data");
  for (const char* k : {"test_data", "save", "init_from", "init_key"}) TakeOr(p, k);
  ML_REQUIRE(!data.empty()) << "nn grad: --data is required";
  TrainOptions o;
  ApplyParams(p, o);
  const Dataset ds = LoadData(data, "--data");
  const auto W = ReadInit(a.params, "", static_cast<int>(o.depth), 1)[0];
  const nn::MlpShape shape = nn::ShapeFor(o, ds);
  const nn::ObjectiveEval ev = nn::EvalObjective(o, shape, W, ds);
  nlohmann::json grads = nlohmann::json::object();
  for (std::size_t k = 0; k < ev.grad.size(); ++k) {
    nlohmann::json rows = nlohmann::json::array();
    for (Index r = 0; r < ev.grad[k].rows(); ++r) {
      std::vector<double> row(ev.grad[k].cols());
      for (Index c = 0; c < ev.grad[k].cols(); ++c) row[c] = ev.grad[k](r, c);
      rows.push_back(row);
    }
    grads["W" + std::to_string(k + 1)] = rows;
  }
  std::vector<double> f(ev.F.data(), ev.F.data() + ev.F.size());  // column-major n×l
  PrintJson({{"data_loss", ev.data_loss}, {"objective", ev.objective}, {"outputs", f},
             {"grad", grads}});
}

}  // namespace

void RegisterTrain(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train", "Train homogeneous ReLU networks on the l2-regularized loss (Wei et al. eq. 2.2)");
  AddFieldFlags(*cmd, args->flags, TrainFields());
  cmd->add_flag("--json", args->json, "print the trace as JSON lines");
  cmd->callback([args] { RunTrain(*args); });

  auto nn = app.add_subcommand("nn", "network utilities (for tests)");
  nn->group("");  // hidden
  nn->require_subcommand(1);
  auto gargs = std::make_shared<TrainArgs>();
  auto* g = nn->add_subcommand("grad", "print the objective and its gradient at --params as JSON");
  AddFieldFlags(*g, gargs->flags, TrainFields());
  g->add_option("--params", gargs->params, "parameters (.npz with W1… or init/W1…)")->required();
  g->callback([gargs] { RunGrad(*gargs); });
}

}  // namespace marginlab::cli
