// marginlab._core.nn: training (nn/train.hpp), the objective and its gradient, network outputs
// (nn/network.hpp) and network files (nn/network_file.hpp).
#include <cmath>

#include "api.hpp"
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
  if (py::isinstance<py::str>(init) || py::isinstance<py::bytes>(init) || !py::isinstance<py::sequence>(init) ||
      py::len(init) == 0)
    ThrowType("init: expected a list of layers [W1, …] or a list of them per trial, got " + detail::TypeNameOf(init));
  py::sequence seq = py::reinterpret_borrow<py::sequence>(init);
  // One list per trial when the first item is itself a list of layers (its first item 2-D); a
  // layer given as a nested list is a list of rows (its first item 1-D).
  auto ndim = [](py::handle h) {
    try {
      return py::module_::import("numpy").attr("ndim")(h).cast<long>();
    } catch (py::error_already_set&) {
      return -1L;  // ragged: not a layer
    }
  };
  const bool per_trial = (py::isinstance<py::list>(seq[0]) || py::isinstance<py::tuple>(seq[0])) &&
                         py::len(seq[0]) > 0 && ndim(py::reinterpret_borrow<py::sequence>(seq[0])[0]) >= 2;
  auto network = [](py::handle layers, const std::string& name) {
    if (py::isinstance<py::str>(layers) || !py::isinstance<py::sequence>(layers))
      ThrowType(name + ": expected a list of layer matrices, got " + detail::TypeNameOf(layers));
    try {
      return NetworkFrom(py::reinterpret_borrow<py::sequence>(layers), 1.0, false).W;
    } catch (const InputError& e) {  // NetworkFrom says "weights…": this argument is init
      std::string m = e.what();
      if (m.rfind("weights", 0) == 0) m = name + m.substr(7);
      throw InputError(m);
    }
  };
  if (!per_trial) {
    out.push_back(network(seq, "init"));
    return out;
  }
  for (std::size_t t = 0; t < seq.size(); ++t) out.push_back(network(seq[t], "init[" + std::to_string(t) + "]"));
  return out;
}

py::dict ObjectiveDict(const TrainOptions& o) {
  py::dict d;
  d["loss"] = o.loss;
  d["lambda"] = o.lambda;
  d["reg_power"] = o.reg_power;
  d["scaling"] = o.scaling;
  return d;
}

py::dict RecordOf(const nn::TrainRecord& r) {
  py::dict rec = ToDict(r);
  rec["step"] = r.step;
  rec["seconds"] = r.seconds;
  rec["lr"] = r.lr;
  return rec;
}

py::dict TrialDict(nn::TrainSummary&& s, const TrainOptions& o) {
  py::dict d = ResultDict::Of(s);  // the keys of `train --json`'s summary
  d["objective"] = ObjectiveDict(o);
  py::list trace;
  for (const auto& r : s.trace) trace.append(RecordOf(r));
  d["trace"] = trace;
  d["init"] = LayerList(std::move(s.init));
  d["final"] = LayerList(std::move(s.final));
  return d;
}

const char* kTrainDetails =
    "As `marginlab train` does: for the same data and options the parameters are bitwise the CLI's, "
    "whatever the thread count. L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + λ‖Θ‖^r (Wei et al. eq. 2.2 / 4.1). A "
    "diverged trial raises marginlab.FailedRunError (never a result; nothing is saved). Ctrl-C stops "
    "within a second (KeyboardInterrupt); callback=False stops early with what there is (termination "
    "'stopped').";

}  // namespace

void RegisterNn(py::module_& m) {
  Def(m,
      Signature("train", "Trains homogeneous bias-free ReLU networks on the l_r-regularized loss.", kTrainDetails,
                "list[dict[str, Any]]",
                "one dict per trial: trial, termination, message, seconds, steps, network (its description), dims, "
                "output_scale, frozen_output, objective (loss, lambda, reg_power, scaling), trace (one dict per "
                "logged step: data_loss, objective, train_error, test_error, margin, norm, …), init and final "
                "(lists of layer arrays)")
          .Arg("X", "ArrayLike", "n x d inputs (copied once)")
          .Arg("y", "ArrayLike", "n labels: -1/+1, class indices 0..l-1 or reals")
          .Arg("X_test", "ArrayLike | None", "None", "a test set for test_loss/test_error")
          .Arg("y_test", "ArrayLike | None", "None", "its labels")
          .Options(TrainOptions{})
          .Doc("lambda_", "λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r (Wei et al. eq. 4.1)")
          .Kw("init", "Sequence[ArrayLike] | Sequence[Sequence[ArrayLike]] | None", "None",
              "start from [W1, …] (every trial) or one such list per trial (None: random, from seed)")
          .Kw("save", "str | os.PathLike[str] | None", "None",
              "write the network file `marginlab train --save` writes (atomically; not for a diverged run)")
          .Kw("data", "str", "''", "the data's spec, stored in the saved file")
          .Observed("logged step (trial, step, total_steps and the step's metrics)"),
      [](Call& c) -> py::object {
        TrainOptions o = c.Options<TrainOptions>();
        const Dataset train = c.Data("X", "y");
        const std::optional<Dataset> test = c.TestData("X_test", "y_test", train);
        const std::vector<Weights<double>> w0 = InitFrom(c.Get("init"));
        {
          const nn::MlpShape shape = nn::ShapeFor(o, train);
          if (w0.size() > 1 && static_cast<long>(w0.size()) != o.trials)
            ThrowValue("init: " + std::to_string(w0.size()) + " networks for " + std::to_string(o.trials) +
                       " trials (give one for every trial, or one per trial)");
          for (std::size_t t = 0; t < w0.size(); ++t) {
            bool fits = static_cast<int>(w0[t].size()) == shape.depth();
            for (int k = 0; fits && k < shape.depth(); ++k)
              fits = w0[t][k].rows() == shape.dims[k + 1] && w0[t][k].cols() == shape.dims[k];
            if (!fits)
              ThrowValue((w0.size() > 1 ? "init[" + std::to_string(t) + "]" : std::string("init")) +
                         ": expected the layers of a " + shape.Describe() + " network (depth, width and the data's "
                         "columns and labels decide them)");
          }
        }
        const std::string save_path = c.Path("save");
        const std::string data = c.Str("data");
        CallbackBridge bridge(c.Callable("callback"));
        const long total = o.steps;
        o.observer = bridge.Make<long, nn::TrainRecord>([total](const long& trial, const nn::TrainRecord& r) {
          py::dict d = RecordOf(r);
          d["trial"] = trial;
          d["total_steps"] = total;
          return d;
        });
        std::vector<nn::TrainSummary> res;
        {
          LongCall call;
          res = nn::Train(o, train, test ? &*test : nullptr, w0);
          const bool diverged = std::any_of(res.begin(), res.end(), [](const nn::TrainSummary& s) {
            return s.termination == Termination::kDiverged;
          });
          if (!save_path.empty() && !diverged) nn::SaveTrainedNetworks(save_path, res, o, data);
        }
        bridge.RethrowIfFailed();
        nn::RequireNoDivergence(res);
        py::list out;
        for (auto& s : res) out.append(TrialDict(std::move(s), o));
        return out;
      });

  Def(m,
      Signature("objective", "The training objective L(Θ) + λ‖Θ‖^r at given weights, and its exact gradient.",
                "With the options of train() (loss, lambda_, reg_power, scaling, depth, width, …).", "dict[str, Any]",
                "data_loss, objective, outputs (n x l), grad (one array per layer)")
          .Arg("X", "ArrayLike", "n x d inputs")
          .Arg("y", "ArrayLike", "n labels")
          .Arg("weights", "Sequence[ArrayLike]", "the layers [W1, …, Wq] (their sizes must match depth, width and the data)")
          .Options(TrainOptions{})
          .Doc("lambda_", "λ of the mean-loss objective (1/n) Σ ℓ + λ‖Θ‖^r"),
      [](Call& c) -> py::object {
        const TrainOptions o = c.Options<TrainOptions>();
        const Dataset ds = c.Data("X", "y");
        const nn::MlpShape shape = nn::ShapeFor(o, ds);
        py::handle w = c.Get("weights");
        if (py::isinstance<py::str>(w) || !py::isinstance<py::sequence>(w))
          ThrowType("weights: expected a list of layer matrices, got " + detail::TypeNameOf(w));
        const nn::Network net = NetworkFrom(py::reinterpret_borrow<py::sequence>(w), 1.0, false);
        if (net.dims() != shape.dims)
          ThrowValue("weights: the layers' sizes do not match depth/width/the data (expected " + shape.Describe() + ")");
        nn::ObjectiveEval ev;
        {
          LongCall call;
          ev = nn::EvalObjective(o, shape, net.W, ds);
        }
        py::dict d;
        d["data_loss"] = ev.data_loss;
        d["objective"] = ev.objective;
        d["outputs"] = std::move(ev.F);
        d["grad"] = LayerList(std::move(ev.grad));
        return d;
      });

  Def(m,
      Signature("outputs", "The network's outputs f(X) = output_scale · W_q relu(… relu(W_1 Xᵀ)).", "",
                "NDArray[np.float64]", "n x l")
          .Arg("weights", "Sequence[ArrayLike] | Mapping[str, Any]", kNetworkDoc)
          .Arg("X", "ArrayLike", "n x d inputs")
          .Arg("output_scale", "float | None", "None", kOutputScaleDoc)
          .Arg("frozen_output", "bool | None", "None", kFrozenDoc),
      [](Call& c) -> py::object {
        const nn::Network net = NetworkArg(c).net;
        const Matrix x = c.Matrix("X", -1, net.input_dim());
        Matrix f;
        {
          LongCall call;
          f = net.Outputs(x);
        }
        return py::cast(std::move(f));
      });

  Def(m,
      Signature("network", "A network argument checked and put in one form: its layers, output scale and objective.",
                "Accepts what every function that takes a network accepts (a list of layers, a train() trial, a "
                "load_network() dict) and checks it the same way (shapes that chain, finite numbers, an output "
                "scale > 0): the form torch_bridge.to_torch and other Python code build on.",
                "dict[str, Any]", "weights (float64 layers, copied), dims, output_scale, frozen_output, objective (or None)")
          .Arg("weights", "Sequence[ArrayLike] | Mapping[str, Any]", kNetworkDoc)
          .Arg("output_scale", "float | None", "None", kOutputScaleDoc)
          .Arg("frozen_output", "bool | None", "None", kFrozenDoc),
      [](Call& c) -> py::object {
        NetworkArgs na = NetworkArg(c);
        py::dict d;
        d["dims"] = na.net.dims();
        d["output_scale"] = na.net.output_scale;
        d["frozen_output"] = na.net.frozen_output;
        d["weights"] = LayerList(std::move(na.net.W));
        d["objective"] = na.objective ? py::object(*na.objective) : py::none();
        return d;
      });

  Def(m,
      Signature("save_network", "Writes a network, and the objective it belongs to, as the file every marginlab command reads.",
                "`marginlab certify --params`, `kernel gram --net` and load_network() read it; written atomically.",
                "None", "")
          .Arg("path", "str | os.PathLike[str]", "the .npz file to write")
          .Arg("weights", "Sequence[ArrayLike] | Mapping[str, Any]", kNetworkDoc)
          .Arg("output_scale", "float | None", "None", kOutputScaleDoc)
          .Arg("frozen_output", "bool | None", "None", kFrozenDoc)
          .Kw("objective", "Mapping[str, Any] | None", "None",
              "the objective: a dict loss, lambda (mean-loss λ) and optionally reg_power, scaling, data; None: the "
              "network dict's, if any")
          .Kw("key", "str", "'final'", "the layers' group in the file"),
      [](Call& c) -> py::object {
        const std::string path = c.Path("path");
        NetworkArgs na = NetworkArg(c);
        const std::string key = c.Str("key");
        if (key.empty() || key.find('/') != std::string::npos) ThrowValue("key: expected a name without '/', got '" + key + "'");
        nn::NetworkFileWriter w(na.net.dims(), na.net.output_scale, na.net.frozen_output);
        w.AddLayers(key, {na.net.W});
        py::handle objective = c.Get("objective");
        if (objective.is_none() && na.objective) objective = *na.objective;
        if (!objective.is_none()) {
          if (!py::isinstance<py::dict>(objective)) ThrowType("objective: expected a dict (loss, lambda, …) or None");
          const py::dict ob = py::reinterpret_borrow<py::dict>(objective);
          for (auto item : ob) {
            const std::string k = py::str(item.first).cast<std::string>();
            if (k != "loss" && k != "lambda" && k != "reg_power" && k != "scaling" && k != "data" && k != "written_by")
              ThrowType("objective: unknown key '" + k + "' (known: loss, lambda, reg_power, scaling, data, written_by)");
          }
          auto text = [&](const char* k, const std::string& fallback) {
            return ob.contains(k) ? FromPython<std::string>(ob[k], std::string("objective: ") + k) : fallback;
          };
          auto num = [&](const char* k, double fallback) {
            return ob.contains(k) ? FromPython<double>(ob[k], std::string("objective: ") + k) : fallback;
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
        LongCall call;
        w.Write(path);
        return py::none();
      });

  Def(m,
      Signature("load_network", "A saved network: train --save, certify --global --save, meanfield --save or save_network().",
                "The dict it returns is a network argument everywhere (outputs, certify, empirical_ntk, …), with "
                "its output scale, frozen output and objective.",
                "dict[str, Any]", "weights, dims, output_scale, frozen_output, trials and objective (loss, lambda, … or None)")
          .Arg("path", "str | os.PathLike[str]", "the .npz file")
          .Kw("key", "str", "'final'", "the layers' group (train files hold 'init' and 'final')")
          .Kw("trial", "int", "0", "which trial of a file with several"),
      [](Call& c) -> py::object {
        const std::string path = c.Path("path");
        const std::string key = c.Str("key");
        const long trial = c.Int("trial", 0);
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
      });
}

}  // namespace marginlab::python
