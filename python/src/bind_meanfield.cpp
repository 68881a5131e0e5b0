// marginlab._core.meanfield: the perturbed Wasserstein gradient flow of Wei et al. §3 (eq. 3.2)
// on particles (meanfield/flow.hpp).
#include "convert.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/meanfield/flow.hpp"
#include "marginlab/meanfield/measure.hpp"

namespace marginlab::python {

void RegisterMeanfield(py::module_& m) {
  m.attr("FLOW_FIELDS") = FieldsDoc<meanfield::FlowOptions>();

  m.def("flow", [](py::handle X, py::handle y, py::kwargs kw) {
    const auto o = OptionsFrom<meanfield::FlowOptions>(kw, "flow");
    const Dataset ds = MakeDataset(X, y, "binary");
    meanfield::FlowSummary s;
    {
      py::gil_scoped_release release;
      s = meanfield::RunFlow(ds.X, ds.y, o);
    }
    if (s.termination == Termination::kDiverged)
      throw FailedRunError("meanfield: the flow diverged after " + std::to_string(s.steps_done) + " steps (" +
                           s.message + "); a diverged run is a failure, not a result");
    py::dict d;
    py::list trace;
    for (const auto& r : s.trace) {
      py::dict rec = ToDict(r);
      rec["step"] = r.step;
      trace.append(rec);
    }
    d["trace"] = trace;
    AddOutcome(d, s);
    d["steps"] = s.steps_done;
    d["best"] = s.best;
    d["best_step"] = s.best_step;
    d["first_within_target"] = s.first_within_target;
    d["first_below"] = s.first_below;
    d["gap_levels"] = std::vector<double>(std::begin(meanfield::FlowSummary::kGapLevels),
                                          std::end(meanfield::FlowSummary::kGapLevels));
    d["steps_per_second"] = s.steps_per_second;
    py::dict ref;
    ref["available"] = s.reference.available;
    ref["lower"] = s.reference.lower;
    ref["upper"] = s.reference.upper;
    ref["certified"] = s.reference.certified;
    ref["oracle_mode"] = s.reference.oracle_mode;
    d["reference"] = ref;
    const margin::TwoLayerNet net = meanfield::EquivalentNetwork(s.final);
    d["weights"] = LayerList({net.U, Matrix(net.w.transpose())});
    d["output_scale"] = net.output_scale;
    py::dict fin;
    fin["w"] = std::move(s.final.w);
    fin["U"] = std::move(s.final.U);
    fin["mass"] = std::move(s.final.mass);
    d["measure"] = fin;
    return d;
  }, py::arg("X"), py::arg("y"),
     ("Runs the perturbed Wasserstein gradient flow (Wei et al. eq. 3.2) of the measure ρ over\n"
      "neurons θ = (w, u) on L[ρ] = Σ_i log(1 + e^{−y_i f_ρ(x_i)}) + λ∫‖θ‖²dρ, as `marginlab\n"
      "meanfield` does. y in {-1, +1}. Returns a dict: trace (one dict per logged step), steps,\n"
      "best, reference (L*'s bracket), measure (w, U, mass of the final particles), weights and\n"
      "output_scale (the equivalent two-layer network), termination. A diverged flow raises\n"
      "FailedRunError. Keyword options:\n" + FieldsDoc<meanfield::FlowOptions>()).c_str());
}

}  // namespace marginlab::python
