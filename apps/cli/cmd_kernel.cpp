// `marginlab kernel gram|fit`: Gram matrices of the NTK family and kernel predictors.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/data/npy.hpp"
#include "marginlab/data/source.hpp"
#include "marginlab/kernel/gram.hpp"
#include "marginlab/kernel/vec_math.hpp"

namespace marginlab::cli {
namespace {

void AddKernelOptions(CLI::App& cmd, KernelOptions* k) {
  cmd.add_option("--kernel", k->kernel, "ntk | relu | arccos0 | arccos1 | hinf | deep-ntk | deep-nngp")
      ->check(CLI::IsMember({"ntk", "relu", "arccos0", "arccos1", "hinf", "deep-ntk", "deep-nngp"}))
      ->capture_default_str();
  cmd.add_option("--rw", k->rw, "ntk: std r_w of the output weights")->capture_default_str();
  cmd.add_option("--ru", k->ru, "ntk, relu: std r_u of the hidden weights")->capture_default_str();
  cmd.add_option("--depth", k->depth, "deep kernels: number of Dense layers")->capture_default_str();
  cmd.add_option("--w-std", k->w_std, "deep kernels: W_std (neural-tangents)")->capture_default_str();
  cmd.add_option("--b-std", k->b_std, "deep kernels: b_std (0 = no bias)")->capture_default_str();
  cmd.add_option("--parameterization", k->parameterization, "deep kernels: ntk | standard")
      ->check(CLI::IsMember({"ntk", "standard"}))
      ->capture_default_str();
  cmd.add_option("--width", k->width, "deep kernels, standard parameterization: hidden width")
      ->capture_default_str();
}

struct GramArgs {
  std::string data, data2, out;
  KernelOptions kernel;
  bool json = false;
};

void RunGram(const GramArgs& a) {
  ValidateOrThrow(a.kernel, "kernel gram");
  const Dataset A = LoadData(a.data, "--data");
  Dataset B;
  if (!a.data2.empty()) {
    B = LoadData(a.data2, "--data2");
    ML_REQUIRE(B.d() == A.d()) << "--data2: " << B.d() << " features, but --data has " << A.d();
  }
  Stopwatch sw;
  const Matrix K = a.data2.empty() ? Gram(a.kernel, A.X) : CrossGram(a.kernel, A.X, B.X);
  const double seconds = sw.Seconds();
  AtomicFile f(a.out);
  const std::string bytes = EncodeNpy(K);
  f.Write(bytes.data(), bytes.size());
  f.Commit();
  const double entries = static_cast<double>(K.rows()) * static_cast<double>(K.cols());
  if (a.json) {
    PrintJson({{"kernel", a.kernel.Describe()},
               {"rows", K.rows()},
               {"cols", K.cols()},
               {"d", A.d()},
               {"out", a.out},
               {"seconds", seconds},
               {"entries_per_second", seconds > 0 ? entries / seconds : 0.0},
               {"vector_path", VecMathPath()}});
  } else {
    std::cout << "wrote " << K.rows() << "x" << K.cols() << " Gram matrix of " << a.kernel.Describe()
              << " to " << a.out << " (" << seconds << " s)\n";
  }
}

}  // namespace

void RegisterKernel(CLI::App& app) {
  auto* kernel = app.add_subcommand("kernel", "Kernels of the NTK family and kernel predictors");
  kernel->require_subcommand(1);

  auto gram = std::make_shared<GramArgs>();
  auto* g = kernel->add_subcommand("gram", "Write the Gram matrix K(A, A) or K(A, B) as .npy");
  AddDataOption(*g, &gram->data);
  AddDataOption(*g, &gram->data2, "--data2", false);
  AddKernelOptions(*g, &gram->kernel);
  g->add_option("--out", gram->out, "output .npy file (float64, rows of --data)")->required();
  g->add_flag("--json", gram->json, "machine-readable summary");
  g->callback([gram] { RunGram(*gram); });
}

}  // namespace marginlab::cli
