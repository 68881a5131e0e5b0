// marginlab._core.meanfield: the perturbed Wasserstein gradient flow of Wei et al. §3 (eq. 3.2)
// on particles (meanfield/flow.hpp).
//
// λ: the flow's objective sums the loss, L[ρ] = Σ_i ℓ(y_i f_ρ(x_i)) + λ_sum ∫‖θ‖² dρ (Wei et al.
// Example 3.2; the CLI's meanfield --lambda), which is n times the mean-loss objective
// (1/n) Σ ℓ + λ ∫‖θ‖² dρ of the module's one λ: lambda_ = λ is run as λ_sum = n·λ; lambda_sum
// gives λ_sum itself (the CLI's numbers, bit for bit). The reported L[ρ] values are the flow's
// (summed); divide by n for the mean-loss objective.
#include <cmath>

#include "api.hpp"
#include "convert.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/meanfield/flow.hpp"
#include "marginlab/margin/objective.hpp"
#include "marginlab/meanfield/measure.hpp"

namespace marginlab::python {
namespace {
py::dict FlowRecordDict(const meanfield::FlowRecord& r, long total) {
  py::dict rec = ToDict(r);
  rec["step"] = r.step;
  rec["total_steps"] = total;
  return rec;
}
}  // namespace

void RegisterMeanfield(py::module_& m) {
  Def(m,
      Signature("flow", "Runs the perturbed Wasserstein gradient flow (Wei et al. eq. 3.2) of a measure over neurons.",
                "ρ over θ = (w, u) on L[ρ] = Σ_i log(1 + e^{−y_i f_ρ(x_i)}) + λ_sum ∫‖θ‖²dρ, as `marginlab "
                "meanfield` does. λ: give lambda_ (the mean-loss λ of the module, run as λ_sum = n·λ) or lambda_sum "
                "(the flow's own, the CLI's --lambda). The reported objective values are the summed L[ρ]. A "
                "diverged flow raises marginlab.FailedRunError.",
                "dict[str, Any]",
                "termination, message, seconds, steps, best, best_step, first_within_target, first_below, gap_levels, "
                "steps_per_second, mass_corrected, renormalized, particles, reference (L*'s bracket: available, lower, "
                "upper, certified, oracle) — the keys of `meanfield --json`'s summary — and trace (one dict per logged "
                "step), measure (w, U, mass of the final particles), weights and output_scale (the equivalent "
                "two-layer network), lambda_sum")
          .Arg("X", "ArrayLike", "n x d inputs")
          .Arg("y", "ArrayLike", "n labels in {-1, +1}")
          .Options(meanfield::FlowOptions{})
          .Default("lambda_", "None")
          .Annotate("lambda_", "float | None")
          .Doc("lambda_", "λ of the mean-loss objective (1/n) Σ ℓ + λ∫‖θ‖²dρ, run as λ_sum = n·λ (give this or lambda_sum)")
          .Kw("lambda_sum", "float | None", "None", "λ_sum of the summed objective L[ρ] (the CLI's meanfield --lambda)")
          .Observed("logged step (step, total_steps and the record's values)"),
      [](Call& c) -> py::object {
        meanfield::FlowOptions o = c.Options<meanfield::FlowOptions>();
        const Dataset ds = c.Data("X", "y", "binary");
        const bool mean = c.Given("lambda_"), sum = c.Given("lambda_sum");
        if (mean == sum)
          ThrowType(std::string("flow() needs exactly one of lambda_ (the mean-loss λ, run as n·λ) and lambda_sum ") +
                    (mean ? "(both were given)" : "(neither was given)"));
        const double lam = mean ? c.Real("lambda_", 0, INFINITY) : c.Real("lambda_sum", 0, INFINITY);
        if (!mean) (void)c.Get("lambda_");
        else (void)c.Get("lambda_sum");
        o.lambda = mean ? margin::SumConventionLambda(lam, ds.n()) : lam;
        ValidateOrThrow(o, "flow");
        CallbackBridge bridge(c.Callable("callback"));
        const long total = o.steps;
        o.observer = bridge.Make<meanfield::FlowRecord>(
            [total](const meanfield::FlowRecord& r) { return FlowRecordDict(r, total); });
        meanfield::FlowSummary s;
        {
          LongCall call;
          s = meanfield::RunFlow(ds.X, ds.y, o);
        }
        bridge.RethrowIfFailed();
        if (s.termination == Termination::kDiverged)
          throw FailedRunError("meanfield: the flow diverged after " + std::to_string(s.steps_done) + " steps (" +
                               s.message + "); a diverged run is a failure, not a result");
        py::dict d = ResultDict::Of(s);  // the keys of `meanfield --json`'s summary
        py::list trace;
        for (const auto& r : s.trace) trace.append(FlowRecordDict(r, total));
        d["trace"] = trace;
        d["lambda_sum"] = o.lambda;
        const margin::TwoLayerNet net = meanfield::EquivalentNetwork(s.final);
        d["weights"] = LayerList({net.U, Matrix(net.w.transpose())});
        d["output_scale"] = net.output_scale;
        py::dict fin;
        fin["w"] = std::move(s.final.w);
        fin["U"] = std::move(s.final.U);
        fin["mass"] = std::move(s.final.mass);
        d["measure"] = fin;
        return d;
      });
}

}  // namespace marginlab::python
