// Training driver (see train.hpp): the step loop, logging, termination and the
// trial-parallel runner.
#include "marginlab/nn/train.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <memory>
#include <sstream>
#include <system_error>
#include <thread>
#include <type_traits>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/core/threads.hpp"

namespace marginlab::nn {

const std::vector<std::string>& DtypeNames() {
  static const std::vector<std::string> kNames = {"double", "float32"};
  return kNames;
}

std::string TrainOptions::Unused(const std::string& field) const {
  if (field == "momentum" && optimizer != "momentum" && optimizer != "nesterov")
    return "is only used by optimizers momentum and nesterov (optimizer = " + optimizer + ")";
  if ((field == "beta1" || field == "beta2" || field == "eps") && optimizer != "adam")
    return "is only used by optimizer adam (optimizer = " + optimizer + ")";
  if ((field == "decay_every" || field == "decay_factor") && schedule != "step")
    return "is only used by schedule step (schedule = " + schedule + ")";
  return "";
}

std::string TrainOptions::Validate() const {
  if (depth < 1 || depth > 1000) return "depth must be from 1 to 1000";
  if (depth >= 2 && width.size() != 1 && static_cast<long>(width.size()) != depth - 1)
    return "width: expected one value or depth-1 = " + std::to_string(depth - 1) + " values";
  for (double w : width)
    if (!(w >= 1 && w <= 1e9) || w != std::floor(w))
      return "width: expected positive integers up to 1e9, got " + FormatDouble(w);
  try {
    ParseLoss(loss, "loss");
    ParseOptimizer(optimizer, "optimizer");
    ParseSchedule(schedule, "schedule");
    ParseScaling(scaling, "scaling");
  } catch (const InputError& err) {
    return err.what();
  }
  if (!(lambda >= 0) || !std::isfinite(lambda)) return "lambda must be finite and ≥ 0";
  if (!(reg_power > 0) || !std::isfinite(reg_power)) return "reg_power must be finite and > 0";
  if (!(lr > 0) || !std::isfinite(lr)) return "lr must be finite and > 0";
  if (steps < 0) return "steps must be ≥ 0";
  if (batch_size < 0) return "batch_size must be ≥ 0";
  if (optimizer == "sgd" && batch_size == 0) return "optimizer sgd needs batch_size > 0";
  if (optimizer == "normalized-gd" && batch_size != 0)
    return "normalized-gd is full-batch (batch_size must be 0)";
  if (!(momentum >= 0 && momentum < 1)) return "momentum must be in [0, 1)";
  if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) return "beta1, beta2 must be in [0, 1)";
  if (!(eps > 0) || !std::isfinite(eps)) return "eps must be finite and > 0";
  if (schedule == "step" && decay_every <= 0) return "schedule step needs decay_every > 0";
  if (!(decay_factor > 0) || !std::isfinite(decay_factor)) return "decay_factor must be > 0";
  if (!(target_loss >= 0) || !std::isfinite(target_loss)) return "target_loss must be finite and ≥ 0";
  if (!(time_limit >= 0) || !std::isfinite(time_limit)) return "time_limit must be finite and ≥ 0 (0 = off)";
  if (init_std.size() != 1 && static_cast<long>(init_std.size()) != depth)
    return "init_std: expected one value or depth = " + std::to_string(depth) + " values";
  for (double s : init_std)
    if (!(s >= 0) || !std::isfinite(s)) return "init_std must be finite and ≥ 0";
  if (trials < 1 || trials > 1'000'000) return "trials must be from 1 to 1e6";
  if (trial_offset < 0) return "trial_offset must be ≥ 0";
  if (!IsChoice(DtypeNames(), dtype)) return "dtype: expected " + JoinWords(DtypeNames()) + ", got '" + dtype + "'";
  if (log_points < 0 || log_points > 1'000'000) return "log_points must be from 0 to 1e6";
  if (!IsChoice(LogSpacingNames(), log_spacing))
    return "log_spacing: expected " + JoinWords(LogSpacingNames()) + ", got '" + log_spacing + "'";
  if (freeze_output && depth < 2) return "freeze_output needs depth ≥ 2";
  return "";
}

TrainPlan TrainPlan::Of(const TrainOptions& o) {
  TrainPlan p;
  p.loss = ParseLoss(o.loss, "loss");
  p.optimizer = ParseOptimizer(o.optimizer, "optimizer");
  p.schedule = ParseSchedule(o.schedule, "schedule");
  p.scaling = ParseScaling(o.scaling, "scaling");
  p.log_spacing = ParseLogSpacing(o.log_spacing, "log_spacing");
  ML_REQUIRE(IsChoice(DtypeNames(), o.dtype)) << "dtype: expected " << JoinWords(DtypeNames()) << ", got '" << o.dtype << "'";
  p.single = o.dtype == "float32";
  return p;
}

MlpShape ShapeFor(const TrainOptions& o, const Dataset& train) {
  MlpShape s;
  s.dims.push_back(train.d());
  for (long k = 1; k < o.depth; ++k)
    s.dims.push_back(static_cast<Index>(o.width.size() == 1 ? o.width[0] : o.width[k - 1]));
  const TrainPlan plan = TrainPlan::Of(o);
  s.dims.push_back(OutputDim(plan.loss, train));
  s.scaling = plan.scaling;
  s.freeze_output = o.freeze_output;
  s.Check();
  return s;
}

std::string TrainSummary::BriefReport() const {
  std::ostringstream o;
  o << "trial " << trial << ": " << ToString(termination) << " after " << steps_done << " steps";
  if (!trace.empty()) {
    const auto& r = trace.back();
    o << "; loss " << r.data_loss << ", objective " << r.objective << ", train error "
      << r.train_error;
    if (!std::isnan(r.test_error)) o << ", test error " << r.test_error;
    o << ", margin " << r.margin << ", |Θ| " << r.norm << ", patterns changed "
      << r.pattern_change;
  }
  if (!message.empty()) o << " (" << message << ")";
  return o.str();
}

namespace {

// "" when a step's outputs and loss are finite, else what is not. An infinite loss (e.g.
// e^{-z} for z < −709) is a divergence too: its gradient is infinite or NaN.
// (The normalized step works from log L, so there an overflowing L alone is no divergence.)
template <class T>
std::string NonFiniteStep(const MatrixT<T>& F, const LossValue& lv, GradMode mode) {
  if (!F.allFinite()) return "the network's outputs became non-finite (NaN or ±Inf)";
  if (std::isnan(lv.loss) || std::isnan(lv.log_loss)) return "the loss became NaN";
  if (!std::isfinite(lv.log_loss) || (mode == GradMode::kMean && !std::isfinite(lv.loss)))
    return "the loss overflowed to +Inf";
  return "";
}

// "" while ‖Θ‖^h stays far inside the floating-point range, else why the run stops: the outputs
// scale like ‖Θ‖^h, so past ‖Θ‖^h ≈ 1e250 (1e30 in float32) the next forward pass may overflow.
// A finite run of gd on separable data grows ‖Θ‖ like log t, far below this; reaching it means
// the iteration is unstable (a step size or weight decay that multiplies Θ by more than 1).
template <class T>
std::string NormOverflow(const MlpShape& shape, const Weights<T>& W, bool single) {
  double sq = 0;
  for (int k = 0; k < shape.TrainableLayers(); ++k) sq += W[k].template cast<double>().squaredNorm();
  const double log10_limit = single ? 30.0 : 250.0;
  const double log10_out = 0.5 * shape.Homogeneity() * std::log10(sq);
  if (std::isfinite(sq) && log10_out <= log10_limit) return "";
  if (!std::isfinite(sq)) return "the parameters became non-finite (NaN or ±Inf)";
  return "‖Θ‖ = " + FormatDouble(std::sqrt(sq)) + " grew past the range where the outputs " +
         "(∝ ‖Θ‖^" + std::to_string(shape.Homogeneity()) + ") stay below 1e" +
         std::to_string(static_cast<int>(log10_limit)) + "; stopped before they overflow";
}

// "" when every metric a finished run reports is a number where it should be.
std::string NonFiniteRecord(const TrainRecord& r) {
  if (!std::isfinite(r.data_loss)) return "the final data loss is not finite";
  if (!std::isfinite(r.objective)) return "the final objective is not finite";
  if (!std::isfinite(r.norm)) return "the final parameters are not finite";
  return "";
}

template <class T>
TrainSummary TrainOne(const TrainOptions& o, const MlpShape& shape, const Dataset& train,
                      const Dataset* test, const Weights<double>* init, long trial,
                      int intra_threads, Collective* group) {
  Stopwatch clock;
  TrainSummary sum;
  sum.trial = trial;
  sum.shape = shape;
  const TrainPlan plan = TrainPlan::Of(o);
  const LossKind loss = plan.loss;
  const OptimizerKind opt = plan.optimizer;
  const Rng trial_rng = Rng(o.seed).Split(static_cast<std::uint64_t>(trial));
  if (init) {
    sum.init = *init;
  } else {
    Rng r = trial_rng.Split(Purpose::kInit);
    sum.init = InitWeights(shape, o.init_std, r);
  }
  Weights<T> W = CastWeights<T>(sum.init);
  Weights<T> dW;
  for (const auto& w : W) dW.push_back(MatrixT<T>::Zero(w.rows(), w.cols()));
  const RegConfig reg{o.lambda, o.reg_power};
  Schedule sched{plan.schedule, o.lr, o.decay_every, o.decay_factor,
                 o.steps};
  OptimizerConfig ocfg{opt, o.momentum, o.beta1, o.beta2, o.eps};
  Optimizer<T> optimizer(ocfg, W, shape.TrainableLayers());
  Evaluator<T> eval(shape, loss, reg, train, test, sum.init);

  // Step data: the full training set, or a minibatch buffer. Data-parallel (a group of P > 1
  // members): this member's rows [lo, hi) of each step's b examples — a slice of the training
  // set for full batches; of every minibatch, drawn alike by every member from the same stream.
  const bool full = o.batch_size == 0 || o.batch_size >= train.n();
  const Index b = full ? train.n() : o.batch_size;
  const int P = group ? group->size() : 1, me = group ? group->rank() : 0;
  const Index lo = b * me / P, hi = b * (me + 1) / P, bl = hi - lo;
  const MatrixT<T> X = full && P > 1 ? MatrixT<T>(train.X.middleRows(lo, bl).cast<T>()) : train.X.cast<T>();
  const Vector y_all = LossLabels(loss, train);
  const Vector y = full && P > 1 ? Vector(y_all.segment(lo, bl)) : y_all;
  MatrixT<T> Xb;
  Vector yb;
  std::vector<Index> perm(static_cast<std::size_t>(train.n()));
  std::size_t perm_pos = perm.size();
  Rng batch_rng = trial_rng.Split(Purpose::kBatch);
  if (!full) Xb.resize(bl, train.d()), yb.resize(bl);
  // The members' sum: the trainable layers' gradients, then this slice's share of the loss and
  // two flags (a non-finite step here; rank 0's time limit) — one SumInRankOrder per step.
  std::vector<double> reduced;
  if (P > 1) {
    std::size_t count = 3;
    for (int k = 0; k < shape.TrainableLayers(); ++k) count += static_cast<std::size_t>(W[k].size());
    reduced.resize(count);
  }
  double reduce_seconds = 0;
  MlpWorkspace<T> ws;
  ws.Resize(shape, bl);
  ws.write_activations = false;  // training steps never need them (mlp.hpp)
  // A lone trial with several threads: the two-layer kernels' unit blocks run in parallel.
  std::unique_ptr<BlockPool> pool;
  if (intra_threads > 1 && shape.depth() == 2 && shape.output_dim() == 1 &&
      shape.dims[1] >= 2 * kUnitBlock) {
    pool = std::make_unique<BlockPool>(intra_threads);
    ws.pool = pool.get();
  }
  MatrixT<T> dF(bl, shape.output_dim());
  const GradMode mode = opt == OptimizerKind::kNormalizedGd ? GradMode::kNormalized : GradMode::kMean;
  const bool single_precision = std::is_same_v<T, float>;

  const std::vector<long> logs = LogSteps(o.steps, o.log_points, plan.log_spacing);
  std::size_t next_log = 0;
  bool observer_stop = false;  // the caller's observer returned false
  auto log = [&](long t, double lr) {
    TrainRecord r = eval.Evaluate(W, t);
    r.seconds = clock.Seconds();
    r.lr = lr;
    sum.trace.push_back(std::move(r));
    while (next_log < logs.size() && logs[next_log] <= t) ++next_log;
    if (o.observer && !o.observer(trial, sum.trace.back())) observer_stop = true;
  };
  sum.termination = Termination::kMaxIterations;
  long t = 0;
  for (;; ++t) {
    const double lr = sched.At(t);
    if (next_log < logs.size() && logs[next_log] == t) log(t, lr);
    if (t >= o.steps) break;
    if (observer_stop) {
      sum.termination = Termination::kStopped;
      sum.message = "stopped by the observer at step " + std::to_string(t);
      break;
    }
    if (P == 1) CheckInterrupt();  // a group's members stop together only through their sum
    // Gradient at Θ_t on the step's data.
    const MatrixT<T>* Xs = &X;
    const Vector* ys = &y;
    if (!full) {
      for (Index i = 0; i < b; ++i) {
        if (perm_pos == perm.size()) {  // a new epoch: Fisher–Yates permutation
          for (std::size_t k = 0; k < perm.size(); ++k) perm[k] = static_cast<Index>(k);
          for (std::size_t k = perm.size(); k > 1; --k)
            std::swap(perm[k - 1], perm[batch_rng.UniformInt(k)]);
          perm_pos = 0;
        }
        const Index row = perm[perm_pos++];
        if (i < lo || i >= hi) continue;  // another member's example
        Xb.row(i - lo) = X.row(row);
        yb[i - lo] = y[row];
      }
      Xs = &Xb;
      ys = &yb;
    }
    MlpForward(ws, shape, W, *Xs);
    LossValue lv = EvalLoss(&dF, loss, ws.F, *ys, mode);
    bool time_up = o.time_limit > 0 && clock.Seconds() >= o.time_limit;
    if (P > 1) {
      // The slice's loss is a mean over its bl rows: both it and dF are rescaled to the step's
      // b, backward runs on the slice, and the members' gradients and shares are summed.
      const std::string why = NonFiniteStep(ws.F, lv, mode);
      dF *= static_cast<T>(static_cast<double>(bl) / static_cast<double>(b));
      MlpBackward(dW, ws, shape, W, *Xs, dF);
      std::size_t at = 0;
      for (int k = 0; k < shape.TrainableLayers(); ++k) {
        const T* g = dW[k].data();
        for (Index i = 0; i < dW[k].size(); ++i) reduced[at++] = static_cast<double>(g[i]);
      }
      reduced[at] = lv.loss * static_cast<double>(bl) / static_cast<double>(b);
      reduced[at + 1] = why.empty() ? 0.0 : 1.0;
      reduced[at + 2] = me == 0 && time_up ? 1.0 : 0.0;
      Stopwatch rs;
      group->SumInRankOrder(reduced.data(), reduced.size());
      reduce_seconds += rs.Seconds();
      at = 0;
      for (int k = 0; k < shape.TrainableLayers(); ++k) {
        T* g = dW[k].data();
        for (Index i = 0; i < dW[k].size(); ++i) g[i] = static_cast<T>(reduced[at++]);
      }
      lv.loss = reduced[at];
      lv.log_loss = std::log(lv.loss);
      time_up = reduced[at + 2] > 0;
      if (reduced[at + 1] > 0) {
        sum.termination = Termination::kDiverged;
        sum.message = (why.empty() ? std::string("the outputs or the loss became non-finite on another member's slice")
                                   : why) + " at step " + std::to_string(t) + " (data-parallel, " +
                      std::to_string(P) + " members)";
        break;
      }
    } else if (const std::string why = NonFiniteStep(ws.F, lv, mode); !why.empty()) {
      sum.termination = Termination::kDiverged;
      sum.message = why + " at step " + std::to_string(t);
      break;
    }
    if (full && o.target_loss > 0 && lv.loss <= o.target_loss) {
      sum.termination = Termination::kTargetReached;
      break;
    }
    if (time_up) {
      sum.termination = Termination::kTimeLimit;
      break;
    }
    if (P == 1) MlpBackward(dW, ws, shape, W, *Xs, dF);
    // λ r ‖Θ‖^{r−2}: for r = 2 it is 2λ and needs no norm.
    double coef = reg.lambda == 0 ? 0.0
                  : reg.power == 2 ? 2 * reg.lambda
                                   : reg.Coef(SquaredNorm(shape, W));
    if (mode == GradMode::kNormalized && coef != 0) {
      // The normalized step divides the whole gradient, weight decay included, by L: the decay
      // multiplies Θ by 1 − η·2λ/L, which flips and grows once η·2λ/L > 2 (L ≪ λ late in a
      // separable run). Computed in log space, and stopped with that reason when unstable.
      coef = std::exp(std::log(coef) - lv.log_loss);
      if (lr * coef > 2) {
        sum.termination = Termination::kDiverged;
        sum.message = "normalized-gd is unstable at step " + std::to_string(t) +
                      ": the weight-decay factor η·r·λ/L = " + FormatDouble(lr * coef) +
                      " exceeds 2 (data loss L = " + FormatDouble(lv.loss) +
                      "); use plain gd, a smaller λ·η or a loss target";
        break;
      }
    }
    optimizer.Step(W, dW, coef, lr);
    // The norm costs a pass over Θ: every step for full batches (≪ 1% of a step), every 16th for
    // minibatches (a small batch's step is not much more than that pass); between checks an
    // overflow still stops the run, at the next step's non-finite outputs.
    if (const std::string why = (full || t % 16 == 15) ? NormOverflow(shape, W, single_precision) : "";
        !why.empty()) {
      sum.termination = Termination::kDiverged;
      sum.message = why + " after step " + std::to_string(t);
      ++t;
      break;
    }
  }
  sum.steps_done = t;
  if (sum.trace.empty() || sum.trace.back().step != t) log(t, sched.At(t));
  const auto& last = sum.trace.back();
  if (sum.termination != Termination::kDiverged) {
    // The step loop checks each step's outputs; the last logged state (after the final update)
    // is checked here, so a run that broke on its last step is not stored as finished.
    if (const std::string why = NonFiniteRecord(last); !why.empty()) {
      sum.termination = Termination::kDiverged;
      sum.message = why + " at step " + std::to_string(t);
    }
  }
  if (!full && o.target_loss > 0 && last.data_loss <= o.target_loss &&
      sum.termination == Termination::kMaxIterations)
    sum.termination = Termination::kTargetReached;
  sum.final = CastWeights<double>(W);
  if (P > 1) sum.AddTiming("sum over members", reduce_seconds);
  sum.AddTiming("train", clock.Seconds() - reduce_seconds);
  return sum;
}

}  // namespace

std::vector<TrainSummary> Train(const TrainOptions& opts, const std::vector<const Dataset*>& train,
                                const std::vector<const Dataset*>& test,
                                const std::vector<Weights<double>>& init, Collective* group) {
  ValidateOrThrow(opts, "train options");
  if (group && group->size() > 1) {
    ML_REQUIRE(TrainPlan::Of(opts).optimizer != OptimizerKind::kNormalizedGd)
        << "optimizer normalized-gd cannot train data-parallel (its step divides by the whole loss, "
        << "formed in log space on one process); use one process or gd";
    for (const Dataset* d : train) {
      const Index b = opts.batch_size == 0 || opts.batch_size >= d->n() ? d->n() : opts.batch_size;
      ML_REQUIRE(b >= group->size())
          << "data-parallel training on " << group->size() << " members needs at least one example of each step per member; "
          << "the step has " << b << " (batch_size " << opts.batch_size << ", n = " << d->n() << ")";
    }
  }
  const long T = opts.trials;
  ML_REQUIRE(train.size() == 1 || static_cast<long>(train.size()) == T)
      << "train: expected one training set or one per trial (" << T << "), got " << train.size();
  ML_REQUIRE(test.empty() || test.size() == 1 || static_cast<long>(test.size()) == T)
      << "train: expected no test set, one, or one per trial";
  ML_REQUIRE(init.empty() || init.size() == 1 || static_cast<long>(init.size()) == T)
      << "train: expected no initialization, one, or one per trial";
  for (const Dataset* d : train) {
    ML_CHECK(d != nullptr) << "null training set";
    d->Validate();
    ML_REQUIRE(d->n() > 0) << d->source << ": no training examples";
  }
  const MlpShape shape = ShapeFor(opts, *train[0]);
  for (const Dataset* d : train) {
    const MlpShape s = ShapeFor(opts, *d);
    ML_REQUIRE(s.dims == shape.dims) << "train: every trial's data must give the same network shape";
  }
  for (const Dataset* d : test)
    if (d) {
      d->Validate();
      ML_REQUIRE(d->d() == shape.input_dim())
          << d->source << ": test data has " << d->d() << " features, training data "
          << shape.input_dim();
    }
  for (const auto& w : init) {
    ML_REQUIRE(static_cast<int>(w.size()) == shape.depth())
        << "initial parameters: expected " << shape.depth() << " layers, got " << w.size();
    for (int k = 0; k < shape.depth(); ++k)
      ML_REQUIRE(w[k].rows() == shape.dims[k + 1] && w[k].cols() == shape.dims[k])
          << "initial parameters: W" << k + 1 << " has shape (" << w[k].rows() << ", "
          << w[k].cols() << "), expected (" << shape.dims[k + 1] << ", " << shape.dims[k] << ")";
  }
  for (const Dataset* d : train)
    ML_REQUIRE(opts.batch_size <= d->n())
        << "batch_size " << opts.batch_size << " is larger than the " << d->n() << " training examples of "
        << d->source << " (0 = full batch)";
  const bool single = TrainPlan::Of(opts).single;
  {
    // What one trial holds (weights, gradient, two optimizer states, the initial weights in
    // double; per hidden layer Z, H and the backward buffer for a step's rows — this member's
    // share with a group — and for one evaluation block (metrics.hpp), and the initial
    // activation patterns, a bit per unit and example; the data's copies), times the trials
    // running at once: checked before any of it is allocated.
    const std::uint64_t elem = single ? sizeof(float) : sizeof(double);
    const Index members = group ? group->size() : 1;
    Index n_eval = train[0]->n();
    for (const Dataset* d : test)
      if (d) n_eval = std::max(n_eval, d->n());
    const Index n = train[0]->n();
    const Index b = opts.batch_size == 0 || opts.batch_size >= n ? n : opts.batch_size;
    const Index step_rows = (b + members - 1) / members;
    const Index eval_rows = std::min(n_eval, EvalBlockRows(shape));
    std::uint64_t bytes = SaturatingMul(2, ArrayBytes({n_eval, shape.input_dim()}, elem));
    for (int k = 0; k < shape.depth(); ++k) {
      bytes = SaturatingAdd(bytes, SaturatingMul(5, ArrayBytes({shape.dims[k + 1], shape.dims[k]}, elem)));
      bytes = SaturatingAdd(bytes, ArrayBytes({shape.dims[k + 1], shape.dims[k]}, sizeof(double)));
      bytes = SaturatingAdd(bytes, SaturatingMul(3, ArrayBytes({step_rows, shape.dims[k + 1]}, elem)));
      bytes = SaturatingAdd(bytes, SaturatingMul(3, ArrayBytes({eval_rows, shape.dims[k + 1]}, elem)));
      if (k + 1 < shape.depth()) bytes = SaturatingAdd(bytes, ArrayBytes({n, shape.dims[k + 1]}, 1) / 8 + 8);
    }
    const long parallel = std::min<long>(std::max(1, NumThreads()), T);
    // Every trial's summary: Θ₀ and Θ in double and a trace record per logged step.
    std::uint64_t kept = 0;
    for (int k = 0; k < shape.depth(); ++k)
      kept = SaturatingAdd(kept, ArrayBytes({shape.dims[k + 1], shape.dims[k]}, 2 * sizeof(double)));
    kept = SaturatingAdd(kept, SaturatingMul(static_cast<std::uint64_t>(opts.log_points) + 2,
                                             256 + 8 * static_cast<std::uint64_t>(shape.depth())));
    RequireMemory(SaturatingAdd(SaturatingMul(bytes, static_cast<std::uint64_t>(parallel)),
                                SaturatingMul(kept, static_cast<std::uint64_t>(T))),
                  "training " + std::to_string(T) + " network(s) " + shape.Describe() + " on n = " +
                      std::to_string(n_eval) + " examples (" + std::to_string(parallel) + " at once)");
  }
  std::vector<TrainSummary> out(static_cast<std::size_t>(T));
  const bool together = group && group->size() > 1;  // every trial data-parallel, one at a time
  const int workers = together ? 1 : static_cast<int>(std::min<long>(NumThreads(), T));
  const int intra = T == 1 || together ? NumThreads() : 1;
  auto run = [&](long i) {
    const Dataset& tr = *train[train.size() == 1 ? 0 : i];
    const Dataset* te = test.empty() ? nullptr : test[test.size() == 1 ? 0 : i];
    const Weights<double>* w0 = init.empty() ? nullptr : &init[init.size() == 1 ? 0 : i];
    const long trial = opts.trial_offset + i;
    Collective* g = together ? group : nullptr;
    out[i] = single ? TrainOne<float>(opts, shape, tr, te, w0, trial, intra, g)
                    : TrainOne<double>(opts, shape, tr, te, w0, trial, intra, g);
  };
  if (workers <= 1) {
    for (long i = 0; i < T; ++i) run(i);
    return out;
  }
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> pool;
  std::atomic<int> started{0};
  auto work = [&](int w) {
    try {
      for (long i = w; i < T; i += workers) run(i);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  try {
    for (int w = 1; w < workers; ++w) {
      pool.emplace_back(work, w);
      started = w;
    }
  } catch (const std::system_error&) {
    // the system refused a thread: the caller also runs the trials of the workers not started
  }
  for (int w = started + 1; w < workers; ++w) work(w);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

ObjectiveEval EvalObjective(const TrainOptions& opts, const MlpShape& shape,
                            const Weights<double>& W, const Dataset& ds) {
  const LossKind loss = TrainPlan::Of(opts).loss;
  const RegConfig reg{opts.lambda, opts.reg_power};
  MlpWorkspace<double> ws;
  ws.Resize(shape, ds.n());
  MlpForward(ws, shape, W, ds.X);
  ObjectiveEval out;
  out.F = ws.F;
  Matrix dF;
  const LossValue lv = EvalLoss(&dF, loss, ws.F, LossLabels(loss, ds), GradMode::kMean);
  for (const auto& w : W) out.grad.push_back(Matrix::Zero(w.rows(), w.cols()));
  MlpBackward(out.grad, ws, shape, W, ds.X, dF);
  const double sq = SquaredNorm(shape, W);
  const double c = reg.Coef(sq);
  for (int k = 0; k < shape.TrainableLayers(); ++k) out.grad[k] += c * W[k];
  out.data_loss = lv.loss;
  out.objective = lv.loss + reg.Value(sq);
  return out;
}

std::vector<TrainSummary> Train(const TrainOptions& opts, const Dataset& train,
                                const Dataset* test, const std::vector<Weights<double>>& init,
                                Collective* group) {
  return Train(opts, std::vector<const Dataset*>{&train},
               test ? std::vector<const Dataset*>{test} : std::vector<const Dataset*>{}, init, group);
}

}  // namespace marginlab::nn
