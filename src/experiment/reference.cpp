// Θ_λ and γ* beside a trained two-layer net (see reference.hpp for the finals and the rules
// of applicability). The net's own certificate (certify.hpp, CertifyNetwork) is one pricing
// at its residuals; Θ_λ (global_optimum.hpp) and the l1-SVM (l1svm.hpp) are column
// generations, computed once per training set and process and shared (a width sweep trains
// several nets on the same data).
#include "marginlab/experiment/reference.hpp"

#include <cmath>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <tuple>

#include "marginlab/core/bytes.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/shared_cache.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/global_optimum.hpp"
#include "marginlab/margin/l1svm.hpp"
#include "marginlab/margin/lp.hpp"
#include "marginlab/margin/objective.hpp"
#include "marginlab/margin/two_layer.hpp"
#include "marginlab/nn/prediction_metrics.hpp"

namespace marginlab::experiment {

std::string ReferenceOptions::Validate() const {
  if (!margin::IsOracleMethod(oracle))
    return "reference_oracle: expected " + JoinWords(margin::OracleMethods()) + ", got '" + oracle + "'";
  if (optimum_max_rounds < 1) return "optimum_max_rounds must be >= 1";
  if (max_margin_max_rounds < 1) return "max_margin_max_rounds must be >= 1";
  return "";
}

ReferenceOptions TakeReferenceOptions(ParamMap& params) { return TakeParams<ReferenceOptions>(params); }

namespace {

bool BinaryLabels(const Dataset& ds) { return ds.kind == LabelKind::kBinary; }


// Test-set metrics of a reference network: 0-1 error (binary labels) and mean loss.
void AddTestMetrics(const std::string& prefix, const margin::TwoLayerNet& net, const Dataset* test,
                    const std::string& loss, TrialResult& r) {
  if (test == nullptr || test->n() == 0) return;
  const Vector f = net.Outputs(test->X);
  if (BinaryLabels(*test)) r.AddFinal(prefix + "_test_error", nn::ErrorRate(f, test->y, LabelKind::kBinary));
  if (!loss.empty()) r.AddFinal(prefix + "_test_loss", margin::MeanLoss(margin::MarginLoss(loss), f, test->y));
}

// FNV-1a over the bytes of X and y: the identity of a training set.
std::uint64_t DataHash(const Dataset& ds) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const double* p, Index count) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    for (std::size_t k = 0; k < static_cast<std::size_t>(count) * sizeof(double); ++k) h = (h ^ b[k]) * 1099511628211ull;
  };
  mix(ds.X.data(), ds.X.size());
  mix(ds.y.data(), ds.y.size());
  return h ^ static_cast<std::uint64_t>(ds.X.rows()) * 31 ^ static_cast<std::uint64_t>(ds.X.cols());
}

// A bounded, thread-safe cache of computed references: the first caller computes, callers with
// the same key wait for its result (a shared_future); a failure is rethrown to each.
template <class Value>
class ReferenceCache {
 public:
  using Key = std::tuple<std::uint64_t, std::string, double, std::string, long>;
  template <class Fn>
  Value Get(const Key& key, Fn compute, bool* computed) {
    std::promise<Value> promise;
    std::shared_future<Value> future;
    bool mine = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = map_.find(key);
      if (it != map_.end()) {
        future = it->second;
      } else {
        future = promise.get_future().share();
        map_.emplace(key, future);
        order_.push_back(key);
        if (order_.size() > kCapacity) {
          map_.erase(order_.front());
          order_.pop_front();
        }
        mine = true;
      }
    }
    *computed = mine;
    if (mine) {
      try {
        promise.set_value(compute());
      } catch (...) {
        promise.set_exception(std::current_exception());
        std::lock_guard<std::mutex> lock(mu_);
        map_.erase(key);  // a later trial may try again
      }
    }
    return future.get();
  }

 private:
  static constexpr std::size_t kCapacity = 64;
  std::mutex mu_;
  std::map<Key, std::shared_future<Value>> map_;
  std::deque<Key> order_;
};

// What a trial takes from Θ_λ's and γ*'s computations, in the form the processes of a run share
// through its folder (core/shared_cache.hpp; exact doubles, core/bytes.hpp). `shared_read`: this
// process read it from the folder (another process computed it; its seconds are not this trial's).
struct OptimumValue {
  double lower = 0, upper = 0;
  bool certified = false, converged = false;
  long rounds = 0;
  std::string message;
  margin::TwoLayerNet network;
  double seconds = 0;
  bool shared_read = false;
};
struct MaxMarginValue {
  double gamma_lo = 0, gamma_hi = 0;
  bool certified = false;
  margin::TwoLayerNet network;  // the max-margin net (when gamma_lo > 0)
  double seconds = 0;
  bool shared_read = false;
};

void PutNet(ByteWriter& w, const margin::TwoLayerNet& net) {
  w.Mat(net.U);
  w.Vec(net.w);
  w.Double(net.output_scale);
}

margin::TwoLayerNet GetNet(ByteReader& r) {
  margin::TwoLayerNet net;
  net.U = r.Mat();
  net.w = r.Vec();
  net.output_scale = r.Double();
  return net;
}

std::string Bytes(const OptimumValue& v) {
  ByteWriter w;
  w.Double(v.lower), w.Double(v.upper), w.Long(v.certified), w.Long(v.converged), w.Long(v.rounds);
  w.Text(v.message);
  PutNet(w, v.network);
  w.Double(v.seconds);
  return w.bytes();
}

OptimumValue OptimumFrom(const SharedValue& sv) {
  ByteReader r(sv.bytes);
  OptimumValue v;
  v.lower = r.Double(), v.upper = r.Double();
  v.certified = r.Long() != 0, v.converged = r.Long() != 0;
  v.rounds = r.Long();
  v.message = r.Text();
  v.network = GetNet(r);
  v.seconds = r.Double();
  ML_CHECK(r.AtEnd()) << "a shared Θ_λ value has trailing bytes";
  v.shared_read = !sv.computed;
  return v;
}

std::string Bytes(const MaxMarginValue& v) {
  ByteWriter w;
  w.Double(v.gamma_lo), w.Double(v.gamma_hi), w.Long(v.certified);
  PutNet(w, v.network);
  w.Double(v.seconds);
  return w.bytes();
}

MaxMarginValue MaxMarginFrom(const SharedValue& sv) {
  ByteReader r(sv.bytes);
  MaxMarginValue v;
  v.gamma_lo = r.Double(), v.gamma_hi = r.Double();
  v.certified = r.Long() != 0;
  v.network = GetNet(r);
  v.seconds = r.Double();
  ML_CHECK(r.AtEnd()) << "a shared max-margin value has trailing bytes";
  v.shared_read = !sv.computed;
  return v;
}

// The shared folder's key: everything the value depends on, the data by its 128-bit hash.
std::string SharedKey(const Dataset& train, const std::string& what) {
  Hash128 h;
  h.Add(train.X);
  h.Add(train.y);
  return what + " n=" + std::to_string(train.n()) + " d=" + std::to_string(train.d()) + " data=" + h.Hex();
}

}  // namespace

void AddReferences(const ReferenceOptions& o, const nn::TrainOptions& t, const nn::TrainSummary& s,
                   const Dataset& train, const Dataset* test, TrialResult& r) {
  const bool two_layer = s.shape.depth() == 2 && s.shape.output_dim() == 1 && t.scaling == "standard" &&
                         !t.freeze_output && s.final.size() == 2;
  if (!two_layer) return;
  const margin::TwoLayerNet net = margin::FromNetwork(nn::Network::From(s.shape, s.final), "the trained network");
  const bool binary = BinaryLabels(train);
  r.AddFinal("max_input_norm", train.X.rowwise().norm().maxCoeff());
  const bool regularized = t.lambda > 0 && t.reg_power == 2 && (t.loss == "logistic" ? binary : t.loss == "squared");
  margin::CertifyOptions co;
  co.loss = t.loss;
  co.lambda = t.lambda;
  co.oracle.method = o.oracle;
  co.max_rounds = o.optimum_max_rounds;
  const std::uint64_t hash = DataHash(train);
  double net_objective = NAN, net_dual = NAN;
  if (regularized && (o.optimality_gap || o.optimum)) {
    const margin::GapCertificate c = margin::CertifyNetwork(net, train.X, train.y, co);
    net_objective = c.objective;
    net_dual = c.lower_bound;
    r.AddFinal("net_objective", c.objective);
    r.AddFinal("net_dual", c.lower_bound);
    r.AddFinal("net_gap", c.gap);
    r.AddFinal("net_gap_certified", c.certified ? 1.0 : 0.0);
  }
  if (regularized && o.optimum) {
    static ReferenceCache<OptimumValue> cache;
    bool computed = false;
    char lambda[40];
    std::snprintf(lambda, sizeof lambda, "%a", t.lambda);
    const std::string key = SharedKey(train, "loss=" + t.loss + " lambda=" + lambda + " oracle=" + o.oracle +
                                                 " rounds=" + std::to_string(o.optimum_max_rounds));
    const OptimumValue g = cache.Get({hash, t.loss, t.lambda, o.oracle, o.optimum_max_rounds}, [&] {
      return OptimumFrom(GetOrComputeShared("theta-lambda", key, [&] {
        Stopwatch clock;
        const margin::GlobalOptimumResult res = margin::GlobalOptimum(train.X, train.y, co);
        OptimumValue out;
        out.lower = res.lower, out.upper = res.upper, out.certified = res.certified;
        out.converged = res.termination == Termination::kConverged;
        out.rounds = res.rounds, out.message = res.message, out.network = res.network;
        out.seconds = clock.Seconds();
        return Bytes(out);
      }));
    }, &computed);
    if (!std::isfinite(g.upper) || !std::isfinite(g.lower))
      throw Error("reference Θ_λ: the global optimum's bracket is not finite (" + g.message + ")");
    r.AddFinal("opt_objective", g.upper);
    r.AddFinal("opt_lower", g.lower);
    r.AddFinal("opt_certified", g.certified ? 1.0 : 0.0);
    r.AddFinal("opt_converged", g.converged ? 1.0 : 0.0);
    r.AddFinal("opt_gap", net_objective - std::max(g.lower, net_dual));
    if (binary) {
      r.AddFinal("opt_train_error", nn::ErrorRate(g.network.Outputs(train.X), train.y, LabelKind::kBinary));
      r.AddFinal("opt_margin", g.network.NormalizedMargin(train.X, train.y));
    }
    AddTestMetrics("opt", g.network, test, t.loss, r);
    r.AddFinal("opt_norm_sq", g.network.SquaredNorm());
    r.AddFinal("opt_width", static_cast<double>(g.network.width()));
    r.AddFinal("opt_rounds", static_cast<double>(g.rounds));
    r.AddFinal("opt_seconds", computed && !g.shared_read ? g.seconds : 0.0);
  }
  if (o.max_margin && binary) {
    static ReferenceCache<MaxMarginValue> cache;
    bool computed = false;
    const std::string key = SharedKey(train, "l1svm oracle=" + o.oracle + " rounds=" +
                                                 std::to_string(o.max_margin_max_rounds));
    const MaxMarginValue v = cache.Get({hash, "l1svm", 0.0, o.oracle, o.max_margin_max_rounds}, [&] {
      return MaxMarginFrom(GetOrComputeShared("max-margin", key, [&] {
        margin::L1SvmOptions lo;
        lo.max_rounds = o.max_margin_max_rounds;
        lo.oracle.method = o.oracle;
        auto lp = margin::MakeLpBackend("clp");
        Stopwatch clock;
        const margin::L1SvmResult cg = margin::L1SvmColumnGeneration(train.X, train.y, *lp, lo);
        MaxMarginValue out;
        out.gamma_lo = cg.gamma_lo, out.gamma_hi = cg.gamma_hi, out.certified = cg.certified;
        if (cg.gamma_lo > 0) out.network = margin::ExtractNetwork(cg);
        out.seconds = clock.Seconds();
        return Bytes(out);
      }));
    }, &computed);
    r.AddFinal("mm_gamma_lo", v.gamma_lo);
    if (std::isfinite(v.gamma_hi)) r.AddFinal("mm_gamma_hi", v.gamma_hi);
    r.AddFinal("mm_certified", v.certified ? 1.0 : 0.0);
    r.AddFinal("mm_target", v.gamma_lo / 2);
    if (v.gamma_lo > 0) {
      const margin::TwoLayerNet& mm = v.network;
      r.AddFinal("mm_train_error", nn::ErrorRate(mm.Outputs(train.X), train.y, LabelKind::kBinary));
      AddTestMetrics("mm", mm, test, "", r);
      r.AddFinal("mm_width", static_cast<double>(mm.width()));
    }
    r.AddFinal("mm_seconds", computed && !v.shared_read ? v.seconds : 0.0);
  }
}

}  // namespace marginlab::experiment
