// marginlab._core.nn: training (nn/train.hpp), the objective and its gradient, network outputs
// (nn/network.hpp) and network files (nn/network_file.hpp).
#include <cmath>

#include "convert.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/nn/loss.hpp"
#include "marginlab/nn/network_file.hpp"
#include "marginlab/nn/train.hpp"

namespace marginlab::python {
namespace {

using nn::TrainOptions;
using nn::Weights;

// init: None, one network [W1, …] for every trial, or one per trial [[W1, …], …].
std::vector<Weights<double>> InitFrom(py::handle init) {
  std::vector<Weights<double>> out;
  if (init.is_none()) return out;
  if (!py::isinstance<py::sequence>(init) || py::len(init) == 0)
    ThrowType("init: expected a list of layers [W1, …] or a list of them per trial");
  py::sequence seq = py::reinterpret_borrow<py::sequence>(init);
  const bool per_trial = py::isinstance<py::list>(seq[0]) || py::isinstance<py::tuple>(seq[0]);
  if (!per_trial) {
    out.push_back(NetworkFrom(seq, 1.0, false).W);
    return out;
  }
  for (std::size_t t = 0; t < seq.size(); ++t)
    out.push_back(NetworkFrom(py::reinterpret_borrow<py::sequence>(seq[t]), 1.0, false).W);
  return out;
}

py::dict TrialDict(nn::TrainSummary&& s) {
  py::dict d;
  d["trial"] = s.trial;
  AddOutcome(d, s);
  d["steps"] = s.steps_done;
  d["network"] = s.shape.Describe();
  d["dims"] = s.shape.dims;
  d["output_scale"] = s.shape.OutputScale();
  d["frozen_output"] = s.shape.freeze_output;
  py::list trace;
  for (const auto& r : s.trace) {
    py::dict rec = ToDict(r);
    rec["step"] = r.step;
    rec["seconds"] = r.seconds;
    rec["lr"] = r.lr;
    trace.append(rec);
  }
  d["trace"] = trace;
  d["init"] = LayerList(std::move(s.init));
  d["final"] = LayerList(std::move(s.final));
  return d;
}

}  // namespace

void RegisterNn(py::module_& m) {
  m.attr("TRAIN_FIELDS") = FieldsDoc<TrainOptions>();

  m.def("train", [](py::handle X, py::handle y, py::handle X_test, py::handle y_test, py::handle init,
                    py::handle save, const std::string& data, py::kwargs kw) {
    const TrainOptions o = OptionsFrom<TrainOptions>(kw, "train");
    const Dataset train = MakeDataset(X, y);
    Dataset test;
    const bool has_test = !X_test.is_none();
    if (has_test != !y_test.is_none()) ThrowValue("X_test and y_test: give both or neither");
    if (has_test) {
      test = MakeDataset(X_test, y_test, "", "X_test", "y_test");
      if (test.d() != train.d())
        ThrowValue("X_test: expected " + std::to_string(train.d()) + " columns (as X), got " + std::to_string(test.d()));
    }
    const std::vector<Weights<double>> w0 = InitFrom(init);
    std::string save_path;
    if (!save.is_none()) save_path = py::str(save).cast<std::string>();
    std::vector<nn::TrainSummary> res;
    {
      py::gil_scoped_release release;
      res = nn::Train(o, train, has_test ? &test : nullptr, w0);
      const bool diverged = std::any_of(res.begin(), res.end(), [](const nn::TrainSummary& s) {
        return s.termination == Termination::kDiverged;
      });
      if (!save_path.empty() && !diverged) nn::SaveTrainedNetworks(save_path, res, o, data);
      nn::RequireNoDivergence(res);
    }
    py::list out;
    for (auto& s : res) out.append(TrialDict(std::move(s)));
    return out;
  }, py::arg("X"), py::arg("y"), py::arg("X_test") = py::none(), py::arg("y_test") = py::none(),
     py::kw_only(), py::arg("init") = py::none(), py::arg("save") = py::none(), py::arg("data") = "",
     ("Trains `trials` homogeneous bias-free ReLU networks on the l_r-regularized loss (Wei et al.\n"
      "eq. 2.2), as `marginlab train` does: for the same data and options the parameters are bitwise\n"
      "the CLI's. X: n x d, y: n labels (-1/+1, class indices or reals; X and y are copied once).\n"
      "init: start from [W1, …] (every trial) or one such list per trial. save: write the network\n"
      "file `train --save` writes (with `data` as its data spec). Returns one dict per trial:\n"
      "trial, termination, steps, seconds, network, dims, output_scale, frozen_output, trace (one\n"
      "dict per logged step), init and final (lists of layer arrays). A diverged trial raises\n"
      "FailedRunError (nothing is saved). Keyword options:\n" + FieldsDoc<TrainOptions>()).c_str());

  m.def("objective", [](py::handle X, py::handle y, const py::sequence& weights, py::kwargs kw) {
    const TrainOptions o = OptionsFrom<TrainOptions>(kw, "objective");
    const Dataset ds = MakeDataset(X, y);
    const nn::MlpShape shape = nn::ShapeFor(o, ds);
    const nn::Network net = NetworkFrom(weights, 1.0, false);
    if (net.dims() != shape.dims)
      ThrowValue("weights: the layers' sizes do not match depth/width/the data (expected " + shape.Describe() + ")");
    nn::ObjectiveEval ev;
    {
      py::gil_scoped_release release;
      ev = nn::EvalObjective(o, shape, net.W, ds);
    }
    py::dict d;
    d["data_loss"] = ev.data_loss;
    d["objective"] = ev.objective;
    d["outputs"] = std::move(ev.F);
    d["grad"] = LayerList(std::move(ev.grad));
    return d;
  }, py::arg("X"), py::arg("y"), py::arg("weights"),
     "The training objective L(Θ) + λ‖Θ‖^r at weights [W1, …] and its exact gradient (the\n"
     "options of train()). Returns a dict data_loss, objective, outputs (n x l), grad (per layer).");

  m.def("outputs", [](const py::sequence& weights, py::handle X, double output_scale, bool frozen_output) {
    const nn::Network net = NetworkFrom(weights, output_scale, frozen_output);
    const Matrix x = CopyMatrix(X, "X", -1, net.input_dim());
    py::gil_scoped_release release;
    return net.Outputs(x);
  }, py::arg("weights"), py::arg("X"), py::arg("output_scale") = 1.0, py::arg("frozen_output") = false,
     "f(X) = output_scale · W_q relu(… relu(W_1 Xᵀ)), n x l.");

  m.def("save_network", [](const std::filesystem::path& path, const py::sequence& weights, double output_scale,
                           bool frozen_output, py::handle objective, const std::string& key) {
    nn::Network net = NetworkFrom(weights, output_scale, frozen_output);
    nn::NetworkFileWriter w(net.dims(), output_scale, frozen_output);
    w.AddLayers(key, {net.W});
    if (!objective.is_none()) {
      if (!py::isinstance<py::dict>(objective)) ThrowType("objective: expected a dict (loss, lambda, …) or None");
      const py::dict ob = py::reinterpret_borrow<py::dict>(objective);
      for (auto item : ob) {
        const std::string k = py::str(item.first).cast<std::string>();
        if (k != "loss" && k != "lambda" && k != "reg_power" && k != "scaling" && k != "data" && k != "written_by")
          ThrowType("objective: unknown key '" + k + "' (known: loss, lambda, reg_power, scaling, data, written_by)");
      }
      auto text = [&](const char* k, const std::string& fallback) {
        return ob.contains(k) ? detail::FromPython<std::string>(ob[k], std::string("objective: ") + k) : fallback;
      };
      auto num = [&](const char* k, double fallback) {
        return ob.contains(k) ? detail::FromPython<double>(ob[k], std::string("objective: ") + k) : fallback;
      };
      if (!ob.contains("loss") || !ob.contains("lambda")) ThrowValue("objective: needs at least 'loss' and 'lambda'");
      const nn::SavedObjective so{text("loss", ""), num("lambda", 0), num("reg_power", 2), text("scaling", "standard"),
                                  text("data", ""), text("written_by", "python")};
      if (!IsChoice(nn::LossNames(), so.loss))
        ThrowValue("objective: loss: expected " + JoinWords(nn::LossNames()) + ", got '" + so.loss + "'");
      if (!IsChoice(nn::ScalingNames(), so.scaling))
        ThrowValue("objective: scaling: expected " + JoinWords(nn::ScalingNames()) + ", got '" + so.scaling + "'");
      if (!(so.lambda >= 0) || !std::isfinite(so.lambda)) ThrowValue("objective: lambda: expected a finite value >= 0");
      if (!(so.reg_power > 0) || !std::isfinite(so.reg_power)) ThrowValue("objective: reg_power: expected a finite value > 0");
      w.SetObjective(so);
    }
    py::gil_scoped_release release;
    w.Write(path);
  }, py::arg("path"), py::arg("weights"), py::arg("output_scale") = 1.0, py::arg("frozen_output") = false,
     py::arg("objective") = py::none(), py::arg("key") = "final",
     "Writes a network [W1, …] (and the objective it belongs to: a dict loss, lambda, and optionally\n"
     "reg_power, scaling, data) as the file every marginlab command reads (`marginlab certify\n"
     "--params`, `kernel gram --net`), atomically.");

  m.def("load_network", [](const std::filesystem::path& path, const std::string& key, long trial) {
    const nn::NetworkFile file = nn::NetworkFile::Read(path);
    nn::Network net = file.Load(key, trial);
    py::dict d;
    d["dims"] = net.dims();
    d["output_scale"] = net.output_scale;
    d["frozen_output"] = net.frozen_output;
    d["weights"] = LayerList(std::move(net.W));
    d["trials"] = file.Trials(key);
    if (file.objective()) {
      const auto& ob = *file.objective();
      py::dict o;
      o["loss"] = ob.loss;
      o["lambda"] = ob.lambda;
      o["reg_power"] = ob.reg_power;
      o["scaling"] = ob.scaling;
      o["data"] = ob.data;
      o["written_by"] = ob.written_by;
      d["objective"] = o;
    } else {
      d["objective"] = py::none();
    }
    return d;
  }, py::arg("path"), py::arg("key") = "final", py::arg("trial") = 0,
     "A saved network (train --save, certify --global --save, meanfield --save): a dict weights,\n"
     "dims, output_scale, frozen_output, trials and objective (loss, lambda, … or None).");
}

}  // namespace marginlab::python
