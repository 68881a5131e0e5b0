// marginlab: every public header, for a program that wants the whole library in one include.
//
//     #include "marginlab/marginlab.hpp"
//
// Grouped by module; the layers from the bottom up are core (types, errors, RNG, options, threads), data
// (datasets, generators, readers), nn (networks, training), kernel (NTKs, Gram matrices, kernel
// predictors), margin (margins, the l1-SVM, certificates, Θ_λ), meanfield (the perturbed
// Wasserstein flow), experiment (configs, the store, the runner). docs/architecture.md lists them;
// docs/cpp.md shows find_package(marginlab). (tests/consumer compiles every header on its own, and
// core_tests checks that this list names every one.)
#pragma once

// core
#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/block_pool.hpp"
#include "marginlab/core/bytes.hpp"
#include "marginlab/core/collective.hpp"
#include "marginlab/core/data_dir.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/features.hpp"
#include "marginlab/core/file_bytes.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/log_steps.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/core/mpi.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/parallel_tasks.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/rng.hpp"
#include "marginlab/core/shared_cache.hpp"
#include "marginlab/core/threads.hpp"
#include "marginlab/core/types.hpp"

// data
#include "marginlab/data/csv.hpp"
#include "marginlab/data/dataset.hpp"
#include "marginlab/data/idx.hpp"
#include "marginlab/data/line1d.hpp"
#include "marginlab/data/linear.hpp"
#include "marginlab/data/npy.hpp"
#include "marginlab/data/npz.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/data/teacher.hpp"
#include "marginlab/data/wei_d.hpp"
#include "marginlab/data/xor.hpp"

// experiment
#include "marginlab/experiment/config.hpp"
#include "marginlab/experiment/merge.hpp"
#include "marginlab/experiment/reference.hpp"
#include "marginlab/experiment/runner.hpp"
#include "marginlab/experiment/store.hpp"
#include "marginlab/experiment/trial_kind.hpp"

// kernel
#include "marginlab/kernel/closed_form.hpp"
#include "marginlab/kernel/dense_cholesky.hpp"
#include "marginlab/kernel/empirical_ntk.hpp"
#include "marginlab/kernel/falkon.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/hinf.hpp"
#include "marginlab/kernel/kernel_fit.hpp"
#include "marginlab/kernel/kernel_logistic.hpp"
#include "marginlab/kernel/kernel_spec.hpp"
#include "marginlab/kernel/kernel_svm.hpp"
#include "marginlab/kernel/nn_ntk.hpp"
#include "marginlab/kernel/ridge.hpp"
#include "marginlab/kernel/symmetric_eigen.hpp"
#include "marginlab/kernel/vec_math.hpp"

// margin
#include "marginlab/margin/activation_patterns.hpp"
#include "marginlab/margin/best_neuron.hpp"
#include "marginlab/margin/bounds.hpp"
#include "marginlab/margin/certify.hpp"
#include "marginlab/margin/global_optimum.hpp"
#include "marginlab/margin/ji_split.hpp"
#include "marginlab/margin/l1svm.hpp"
#include "marginlab/margin/linear_svm.hpp"
#include "marginlab/margin/lp.hpp"
#include "marginlab/margin/min_norm_point.hpp"
#include "marginlab/margin/ntk_margin.hpp"
#include "marginlab/margin/objective.hpp"
#include "marginlab/margin/two_layer.hpp"

// meanfield
#include "marginlab/meanfield/flow.hpp"
#include "marginlab/meanfield/functional.hpp"
#include "marginlab/meanfield/measure.hpp"
#include "marginlab/meanfield/reference.hpp"

// nn
#include "marginlab/nn/loss.hpp"
#include "marginlab/nn/metrics.hpp"
#include "marginlab/nn/mlp.hpp"
#include "marginlab/nn/network.hpp"
#include "marginlab/nn/network_file.hpp"
#include "marginlab/nn/optimizer.hpp"
#include "marginlab/nn/prediction_metrics.hpp"
#include "marginlab/nn/train.hpp"
#include "marginlab/nn/two_layer_kernel.hpp"
