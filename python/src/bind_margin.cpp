// marginlab._core.margin: the normalized margin of a two-layer net (margin/two_layer.hpp), its
// duality-gap certificate (margin/certify.hpp), the global optimum Θ_λ of the regularized
// objective (margin/global_optimum.hpp) and the l1-SVM / max-margin network (margin/l1svm.hpp).
// The result dicts have the keys of the CLI's --json, from the results' one Fields list.
#include <cmath>

#include "api.hpp"
#include "convert.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/global_optimum.hpp"
#include "marginlab/margin/l1svm.hpp"
#include "marginlab/margin/lp.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::python {
namespace {

py::list TwoLayerWeights(const margin::TwoLayerNet& net) { return LayerList({net.U, Matrix(net.w.transpose())}); }

template <class R>
py::dict FieldsDict(const R& result) {
  ResultDict v;
  result.Fields(v);
  return v.d;
}

py::dict BracketDict(const BracketRecord& r) {
  py::dict d;
  d["round"] = r.round;
  d["lower"] = r.lower;
  d["upper"] = std::isfinite(r.upper) ? py::object(py::float_(r.upper)) : py::none();
  d["certified"] = r.certified;
  d["columns"] = r.columns;
  d["seconds"] = r.seconds;
  return d;
}

const char* kLambdaDoc = "λ of the objective L(Θ) = (1/n) Σ ℓ(y_i f(x_i)) + λ‖Θ‖² (Wei et al. eq. 4.1)";

// The objective a network is judged on: loss and λ given, else the network dict's (train() and
// load_network() carry it); a dict's objective and a different given one need other_objective.
margin::CertifyOptions CertifyFor(Call& c, const std::optional<py::dict>& carried) {
  margin::CertifyOptions o = c.Options<margin::CertifyOptions>();
  const bool other = c.Bool("other_objective");
  const bool lambda_given = c.Given("lambda_"), loss_given = c.Given("loss");
  if (carried && !other) {
    const py::dict& ob = *carried;
    const double lam = ob.contains("lambda") ? FromPython<double>(ob["lambda"], "weights['objective']['lambda']") : NAN;
    const std::string loss = ob.contains("loss") ? FromPython<std::string>(ob["loss"], "weights['objective']['loss']") : "";
    const double power = ob.contains("reg_power") ? FromPython<double>(ob["reg_power"], "weights['objective']['reg_power']") : 2;
    if (power != 2)
      ThrowValue("weights: the network was trained with λ‖Θ‖^" + FormatDouble(power) +
                 "; certificates are for λ‖Θ‖² (other_objective=True with lambda_ judges it on that objective)");
    if (!IsChoice(margin::MarginLoss::Names(), loss))
      ThrowValue("weights: the network was trained on the " + loss + " loss; certificates are for " +
                 JoinWords(margin::MarginLoss::Names()) + " (other_objective=True with loss and lambda_)");
    if (lambda_given && o.lambda != lam)
      ThrowValue("lambda_: the network was trained with λ = " + FormatDouble(lam) + ", not " + FormatDouble(o.lambda) +
                 " (leave lambda_ out, or other_objective=True to judge it on another objective)");
    if (loss_given && o.loss != loss)
      ThrowValue("loss: the network was trained on the " + loss + " loss (leave loss out, or other_objective=True)");
    if (!(lam > 0)) ThrowValue("weights: the network's objective has λ = " + FormatDouble(lam) +
                               "; certificates need λ > 0 (other_objective=True with lambda_ > 0)");
    o.lambda = lam;
    o.loss = loss;
  } else if (!lambda_given) {
    ThrowType(c.function() + "() missing required argument 'lambda_': " + kLambdaDoc +
              " (a network dict from train() or load_network() carries its own)");
  }
  ValidateOrThrow(o, c.function());
  return o;
}

}  // namespace

void RegisterMargin(py::module_& m) {
  Def(m,
      Signature("normalized_margin", "The normalized margin γ(Θ) = min_i y_i f(x_i) / ‖Θ‖² of a two-layer net.",
                "Wei et al. §3; ‖Θ‖² = ‖W1‖²_F + ‖W2‖².", "float", "γ(Θ)")
          .Arg("weights", "Sequence[ArrayLike] | Mapping[str, Any]", kNetworkDoc)
          .Arg("X", "ArrayLike", "n x d inputs")
          .Arg("y", "ArrayLike", "n labels in {-1, +1}")
          .Arg("output_scale", "float | None", "None", kOutputScaleDoc)
          .Arg("frozen_output", "bool | None", "None", kFrozenDoc),
      [](Call& c) -> py::object {
        const margin::TwoLayerNet net = margin::FromNetwork(NetworkArg(c).net, "weights");
        const Dataset ds = c.Data("X", "y", "binary");
        if (ds.d() != net.U.cols())
          ThrowValue("X: expected " + std::to_string(net.U.cols()) + " columns (W1's), got " + std::to_string(ds.d()));
        return py::float_(net.NormalizedMargin(ds.X, ds.y));
      });

  const char* cert_returns =
      "objective, data_loss, lower (the dual lower end of min L), gap (objective − lower), bracket, certified "
      "(True: lower and gap are bounds; False: estimates), oracle, oracle_value, oracle_upper (None unless "
      "certified), dual_scale — the keys of `marginlab certify --json`";
  Def(m,
      Signature("certify", "How far a two-layer net is from the global minimum of its regularized objective.",
                "A dual lower end of min L over nets of any width and the gap L(Θ) − that end. With an exact or "
                "branch-and-bound oracle both are proven (certified: True); with the ascent oracle they are "
                "estimates, never called bounds. The objective is the network dict's (from train() or "
                "load_network()) unless given; the `marginlab certify` numbers, bit for bit.",
                "dict[str, Any]", cert_returns)
          .Arg("weights", "Sequence[ArrayLike] | Mapping[str, Any]", kNetworkDoc)
          .Arg("X", "ArrayLike", "n x d inputs")
          .Arg("y", "ArrayLike", "n labels in {-1, +1}")
          .Arg("output_scale", "float | None", "None", kOutputScaleDoc)
          .Arg("frozen_output", "bool | None", "None", kFrozenDoc)
          .Options(margin::CertifyOptions{})
          .Default("lambda_", "None")
          .Annotate("lambda_", "float | None")
          .Doc("lambda_", std::string(kLambdaDoc) + "; None: the network dict's (required otherwise)")
          .Default("loss", "None")
          .Annotate("loss", "Literal['logistic', 'squared'] | None")
          .Doc("loss", "the data loss; None: the network dict's, else 'logistic'")
          .Kw("other_objective", "bool", "False", "judge a network dict on the given loss and lambda_ instead of its own"),
      [](Call& c) -> py::object {
        const NetworkArgs na = NetworkArg(c);
        if (na.net.frozen_output) ThrowValue("weights: certificates are for nets whose output layer is trained");
        const margin::TwoLayerNet net = margin::FromNetwork(na.net, "weights");
        const margin::CertifyOptions o = CertifyFor(c, na.objective);
        const Dataset ds = c.Data("X", "y", "binary");
        if (ds.d() != net.U.cols())
          ThrowValue("X: expected " + std::to_string(net.U.cols()) + " columns (W1's), got " + std::to_string(ds.d()));
        margin::GapCertificate cert;
        {
          LongCall call;
          cert = margin::CertifyNetwork(net, ds.X, ds.y, o);
        }
        py::dict d = FieldsDict(cert);
        d["loss"] = o.loss;
        d["lambda"] = o.lambda;
        return d;
      });

  Def(m,
      Signature("global_optimum", "Θ_λ: the global minimum of the regularized objective over two-layer nets of any width.",
                "Its convex measure formulation solved by column generation (margin/global_optimum.hpp): `objective` "
                "is min L's upper end, attained by the returned balanced network; `lower` its lower end, a bound "
                "when certified (exact or branch-and-bound oracle), else an estimate.",
                "dict[str, Any]",
                "objective, lower, bracket, certified, oracle, rounds, columns, oracle_evaluations, termination, "
                "message, seconds (the keys of `certify --global --json`'s global), and weights, output_scale (the "
                "network), directions (K x d), masses (K)")
          .Arg("X", "ArrayLike", "n x d inputs")
          .Arg("y", "ArrayLike", "n labels in {-1, +1}")
          .Options(margin::CertifyOptions{})
          .Require("lambda_", kLambdaDoc)
          .Observed("column-generation round (round, lower, upper, certified, columns, seconds)"),
      [](Call& c) -> py::object {
        margin::CertifyOptions o = c.Options<margin::CertifyOptions>();
        const Dataset ds = c.Data("X", "y", "binary");
        CallbackBridge bridge(c.Callable("callback"));
        o.observer = bridge.Make<BracketRecord>(BracketDict);
        margin::GlobalOptimumResult r;
        {
          LongCall call;
          r = margin::GlobalOptimum(ds.X, ds.y, o);
        }
        bridge.RethrowIfFailed();
        py::dict d = FieldsDict(r);
        d["weights"] = TwoLayerWeights(r.network);
        d["output_scale"] = r.network.output_scale;
        d["directions"] = std::move(r.directions);
        d["masses"] = std::move(r.weights);
        d["objective_of"] = py::dict(py::arg("loss") = o.loss, py::arg("lambda") = o.lambda);
        return d;
      });

  Def(m,
      Signature("l1svm", "The l1-SVM over ReLU features, γ_ℓ1 = max over ‖a‖₁ ≤ 1 of min_i y_i Σ_j a_j relu(ū_j·x_i).",
                "By column generation: γ_ℓ1/2 is the max-margin two-layer net's normalized margin (Wei et al. Thm "
                "3.3, Prop. B.10). `lower` is attained by the returned network; `upper` is a bound when certified "
                "(exact or branch-and-bound pricing), else an estimate.",
                "dict[str, Any]",
                "lower, upper, bracket, certified, oracle, columns, rounds, oracle_evaluations, termination, message, "
                "seconds (the keys of `margin l1svm --json`), and weights (the max-margin net), directions, masses, q "
                "(the dual on the simplex)")
          .Arg("X", "ArrayLike", "n x d inputs (ReLU-separable)")
          .Arg("y", "ArrayLike", "n labels in {-1, +1}")
          .Options(margin::L1SvmOptions{})
          .Observed("column-generation round (round, lower, upper, certified, columns, seconds)"),
      [](Call& c) -> py::object {
        margin::L1SvmOptions o = c.Options<margin::L1SvmOptions>();
        const Dataset ds = c.Data("X", "y", "binary");
        CallbackBridge bridge(c.Callable("callback"));
        o.observer = bridge.Make<BracketRecord>(BracketDict);
        margin::L1SvmResult r;
        margin::TwoLayerNet net;
        {
          LongCall call;
          auto lp = margin::MakeLpBackend("clp");
          r = margin::L1SvmColumnGeneration(ds.X, ds.y, *lp, o);
          net = margin::ExtractNetwork(r);
        }
        bridge.RethrowIfFailed();
        py::dict d = FieldsDict(r);
        d["weights"] = TwoLayerWeights(net);
        d["directions"] = std::move(r.directions);
        d["masses"] = std::move(r.weights);
        d["q"] = std::move(r.q);
        return d;
      });
}

}  // namespace marginlab::python
