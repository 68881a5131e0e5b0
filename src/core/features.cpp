// Build features (see features.hpp); values come from the generated build_config.hpp.
#include "marginlab/core/features.hpp"

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"

namespace marginlab {

std::string Version() { return MARGINLAB_VERSION_STRING; }

std::vector<Feature> BuildFeatures() {
  return {
      {"openblas", "OpenBLAS matrix products", "MARGINLAB_WITH_OPENBLAS", MARGINLAB_HAVE_OPENBLAS != 0},
      {"clp", "COIN-OR Clp LP solver", "MARGINLAB_WITH_CLP", MARGINLAB_HAVE_CLP != 0},
      {"libsvm", "LIBSVM kernel SVM solver", "MARGINLAB_WITH_LIBSVM", MARGINLAB_HAVE_LIBSVM != 0},
      {"sleef", "SLEEF vectorized math", "MARGINLAB_WITH_SLEEF", MARGINLAB_HAVE_SLEEF != 0},
      {"mpi", "MPI experiment runner (mpirun -np N marginlab run)", "MARGINLAB_WITH_MPI", MARGINLAB_HAVE_MPI != 0},
  };
}

bool HaveFeature(const std::string& name) {
  for (const auto& f : BuildFeatures())
    if (f.name == name) return f.built;
  return false;
}

void RequireFeature(const std::string& name) {
  for (const auto& f : BuildFeatures()) {
    if (f.name != name) continue;
    if (f.built) return;
    throw UnavailableError(f.what + " is not in this build of marginlab; rebuild with -D" +
                           f.cmake_option + "=ON (after scripts/setup installs it)");
  }
  ML_CHECK(false) << "unknown feature '" << name << "'";
}

}  // namespace marginlab
