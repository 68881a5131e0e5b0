// L*, the flow's reference, computed once per process and once per run (see reference.hpp).
#include "marginlab/meanfield/reference.hpp"

#include <atomic>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>

#include "marginlab/core/bytes.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/shared_cache.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/global_optimum.hpp"
#include "marginlab/margin/objective.hpp"

namespace marginlab::meanfield {
namespace {

Reference ComputeReference(const Problem& p, const margin::OracleOptions& oracle) {
  margin::CertifyOptions c;
  c.loss = "logistic";
  c.lambda = margin::MeanConventionLambda(p.lambda, p.n());  // Example 3.2's λ → eq. (2.2)'s
  c.oracle = oracle;
  const margin::GlobalOptimumResult g = margin::GlobalOptimum(p.X, p.y, c);
  Reference r;
  r.available = true;
  r.lower = margin::SumConventionObjective(g.lower, p.n());
  r.upper = margin::SumConventionObjective(g.upper, p.n());
  r.certified = g.certified;
  r.rounds = g.rounds;
  r.oracle_mode = g.certified ? "certified" : "heuristic";
  return r;
}

struct ReferenceKey {
  Matrix X;
  Vector y;
  double lambda;
  std::string oracle;
  bool Matches(const Problem& p, const std::string& o) const {
    return lambda == p.lambda && oracle == o && X.rows() == p.X.rows() && X.cols() == p.X.cols() &&
           y.size() == p.y.size() && X == p.X && y == p.y;
  }
};

// The shared-value form of a Reference (core/shared_cache.hpp, core/bytes.hpp: exact doubles).
std::string ReferenceBytes(const Reference& r) {
  ByteWriter w;
  w.Long(r.available ? 1 : 0);
  w.Double(r.lower);
  w.Double(r.upper);
  w.Long(r.certified ? 1 : 0);
  w.Long(r.rounds);
  w.Text(r.oracle_mode);
  return w.bytes();
}

Reference ReferenceFromBytes(const std::string& bytes) {
  ByteReader in(bytes);
  Reference r;
  r.available = in.Long() != 0;
  r.lower = in.Double();
  r.upper = in.Double();
  r.certified = in.Long() != 0;
  r.rounds = in.Long();
  r.oracle_mode = in.Text();
  ML_CHECK(in.AtEnd()) << "meanfield: a stored L* reference has trailing bytes";
  return r;
}

// What L* depends on, for the shared folder: the problem's size, λ, the oracle and a 128-bit
// hash of X's and y's bytes.
std::string ReferenceKeyText(const Problem& p, const std::string& oracle) {
  Hash128 h;
  h.Add(p.X);
  h.Add(p.y);
  char buf[120];
  std::snprintf(buf, sizeof buf, "n=%ld d=%ld lambda=%a oracle=", static_cast<long>(p.X.rows()),
                static_cast<long>(p.X.cols()), p.lambda);
  return buf + oracle + " data=" + h.Hex();
}

std::mutex reference_mu;
std::deque<std::pair<ReferenceKey, std::shared_future<Reference>>> reference_cache;  // newest last
std::atomic<long> reference_computations{0};

}  // namespace

long ReferenceComputations() { return reference_computations.load(); }

Reference ReferenceOptimum(const Problem& p, const margin::OracleOptions& oracle_options) {
  const std::string& oracle = oracle_options.method;  // what the cache keys on
  std::promise<Reference> promise;
  std::shared_future<Reference> known;
  {
    std::lock_guard<std::mutex> lock(reference_mu);
    for (const auto& [key, result] : reference_cache)
      if (key.Matches(p, oracle)) known = result;
    if (!known.valid()) {
      if (reference_cache.size() >= kReferenceCacheSize) reference_cache.pop_front();
      reference_cache.emplace_back(ReferenceKey{p.X, p.y, p.lambda, oracle}, promise.get_future().share());
    }
  }
  if (known.valid()) return known.get();  // waits, outside the lock, if still being computed
  try {
    // Not in this process's memory: another process of the run (an MPI rank, a resume) may have
    // computed it into the results folder's shared values; else compute it here and put it there.
    const SharedValue v = GetOrComputeShared("meanfield-Lstar", ReferenceKeyText(p, oracle), [&] {
      ++reference_computations;
      return ReferenceBytes(ComputeReference(p, oracle_options));
    });
    Reference r = ReferenceFromBytes(v.bytes);
    promise.set_value(r);
    return r;
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::lock_guard<std::mutex> lock(reference_mu);
    std::erase_if(reference_cache, [&](const auto& e) { return e.first.Matches(p, oracle); });
    throw;
  }
}

}  // namespace marginlab::meanfield
