// marginlab._core.margin: the normalized margin of a two-layer net (margin/two_layer.hpp), its
// duality-gap certificate (margin/certify.hpp), the global optimum Θ_λ of the regularized
// objective (margin/global_optimum.hpp) and the l1-SVM / max-margin network (margin/l1svm.hpp).
#include "convert.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/global_optimum.hpp"
#include "marginlab/margin/l1svm.hpp"
#include "marginlab/margin/lp.hpp"
#include "marginlab/margin/two_layer.hpp"

namespace marginlab::python {
namespace {

margin::TwoLayerNet TwoLayerFrom(const py::sequence& weights, double output_scale) {
  return margin::FromNetwork(NetworkFrom(weights, output_scale, false), "weights");
}

py::list TwoLayerWeights(const margin::TwoLayerNet& net) {
  return LayerList({net.U, Matrix(net.w.transpose())});
}

// X n×d and y ∈ {−1, +1}^n, the data every margin function takes.
Dataset BinaryData(py::handle X, py::handle y) { return MakeDataset(X, y, "binary"); }

// "lower_bound" when certified, else "lower_estimate" (the CLI's keys): an uncertified value is
// never named a bound.
const char* LowerKey(bool certified) { return certified ? "lower_bound" : "lower_estimate"; }

py::dict CertificateDict(const margin::GapCertificate& c) {
  py::dict d;
  d["objective"] = c.objective;
  d["data_loss"] = c.data_loss;
  d[LowerKey(c.certified)] = c.lower_bound;
  d[c.certified ? "gap" : "gap_estimate"] = c.gap;
  d["bracket"] = py::make_tuple(c.lower_bound, c.objective);
  d["certified"] = c.certified;
  d["oracle_mode"] = c.oracle_mode;
  d["oracle_value"] = c.oracle_value;
  if (c.certified) d["oracle_upper"] = c.oracle_upper;
  d["dual_scale"] = c.dual_scale;
  return d;
}

}  // namespace

void RegisterMargin(py::module_& m) {
  m.attr("CERTIFY_FIELDS") = FieldsDoc<margin::CertifyOptions>();

  m.def("normalized_margin", [](const py::sequence& weights, py::handle X, py::handle y, double output_scale) {
    const margin::TwoLayerNet net = TwoLayerFrom(weights, output_scale);
    const Dataset ds = BinaryData(X, y);
    if (ds.d() != net.U.cols()) ThrowValue("X: expected " + std::to_string(net.U.cols()) + " columns (W1's), got " + std::to_string(ds.d()));
    return net.NormalizedMargin(ds.X, ds.y);
  }, py::arg("weights"), py::arg("X"), py::arg("y"), py::arg("output_scale") = 1.0,
     "γ(Θ) = min_i y_i f(x_i) / ‖Θ‖² of the two-layer net weights = [W1 (m x d), W2 (1 x m)]\n"
     "(Wei et al. §3; ‖Θ‖² = ‖W1‖²_F + ‖W2‖²).");

  m.def("certify", [](const py::sequence& weights, py::handle X, py::handle y, double output_scale, py::kwargs kw) {
    const auto o = OptionsFrom<margin::CertifyOptions>(kw, "certify");
    const margin::TwoLayerNet net = TwoLayerFrom(weights, output_scale);
    const Dataset ds = BinaryData(X, y);
    if (ds.d() != net.U.cols()) ThrowValue("X: expected " + std::to_string(net.U.cols()) + " columns (W1's), got " + std::to_string(ds.d()));
    margin::GapCertificate c;
    {
      py::gil_scoped_release release;
      c = margin::CertifyNetwork(net, ds.X, ds.y, o);
    }
    return CertificateDict(c);
  }, py::arg("weights"), py::arg("X"), py::arg("y"), py::arg("output_scale") = 1.0,
     ("How far the two-layer net is from the global minimum of L(Θ) = (1/n)Σ ℓ(y_i f(x_i)) + λ‖Θ‖²:\n"
      "a dual lower end of min L and the gap L(Θ) − that end. Certified (an exact or branch-and-\n"
      "bound oracle): keys lower_bound and gap; otherwise lower_estimate and gap_estimate, never\n"
      "called bounds. Also objective, data_loss, bracket, certified, oracle_mode, dual_scale.\n"
      "The `marginlab certify` numbers, bit for bit. Keyword options:\n" + FieldsDoc<margin::CertifyOptions>()).c_str());

  m.def("global_optimum", [](py::handle X, py::handle y, py::kwargs kw) {
    const auto o = OptionsFrom<margin::CertifyOptions>(kw, "global_optimum");
    const Dataset ds = BinaryData(X, y);
    margin::GlobalOptimumResult r;
    {
      py::gil_scoped_release release;
      r = margin::GlobalOptimum(ds.X, ds.y, o);
    }
    py::dict d;
    d["objective"] = r.upper;
    d[LowerKey(r.certified)] = r.lower;
    d["bracket"] = py::make_tuple(r.lower, r.upper);
    d["certified"] = r.certified;
    d["oracle_mode"] = r.oracle_mode;
    d["weights"] = TwoLayerWeights(r.network);
    d["output_scale"] = r.network.output_scale;
    d["directions"] = std::move(r.directions);
    d["masses"] = std::move(r.weights);
    d["rounds"] = r.rounds;
    d["oracle_evaluations"] = r.oracle_evaluations;
    AddOutcome(d, r);
    return d;
  }, py::arg("X"), py::arg("y"),
     ("Θ_λ: the global minimum of L(Θ) over two-layer nets of any width (its convex measure\n"
      "formulation, by column generation): objective (min L's upper end, attained by the balanced\n"
      "network weights/output_scale), lower_bound (certified) or lower_estimate, bracket. Keyword options (as certify):\n" + FieldsDoc<margin::CertifyOptions>()).c_str());

  m.def("l1svm", [](py::handle X, py::handle y, py::kwargs kw) {
    const auto o = OptionsFrom<margin::L1SvmOptions>(kw, "l1svm");
    const Dataset ds = BinaryData(X, y);
    margin::L1SvmResult r;
    margin::TwoLayerNet net;
    {
      py::gil_scoped_release release;
      auto lp = margin::MakeLpBackend("clp");
      r = margin::L1SvmColumnGeneration(ds.X, ds.y, *lp, o);
      net = margin::ExtractNetwork(r);
    }
    py::dict d;
    d["gamma_lo"] = r.gamma_lo;
    d[r.certified ? "upper_bound" : "upper_estimate"] = r.gamma_hi;  // as `margin l1svm --json`
    d["bracket"] = py::make_tuple(r.gamma_lo, r.gamma_hi);
    d["certified"] = r.certified;
    d["oracle_mode"] = r.oracle_mode;
    d["directions"] = std::move(r.directions);
    d["masses"] = std::move(r.weights);
    d["q"] = std::move(r.q);
    d["weights"] = TwoLayerWeights(net);
    d["rounds"] = static_cast<long>(r.trace.size());
    AddOutcome(d, r);
    return d;
  }, py::arg("X"), py::arg("y"),
     ("The l1-SVM over ReLU features: γ* = max over ‖a‖₁ ≤ 1 of min_i y_i Σ_j a_j relu(ū_j·x_i), the\n"
      "max-margin two-layer net's normalized margin (times 2: Wei et al. Thm 3.3). gamma_lo is\n"
      "attained by the returned network; upper_bound (certified) or upper_estimate is the other end. Keyword options:\n" + FieldsDoc<margin::L1SvmOptions>()).c_str());
}

}  // namespace marginlab::python
