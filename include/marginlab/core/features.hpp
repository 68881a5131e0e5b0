// What this build of marginlab contains, and a uniform way to ask for a backend.
#pragma once

#include <string>
#include <vector>

namespace marginlab {

struct Feature {
  std::string name;         // "clp", "libsvm", ...
  std::string what;         // "COIN-OR Clp LP solver"
  std::string cmake_option;  // "MARGINLAB_WITH_CLP"
  bool built;
};

std::string Version();
std::vector<Feature> BuildFeatures();
bool HaveFeature(const std::string& name);
// Throws UnavailableError "<what> is not in this build of marginlab; rebuild with
// -D<option>=ON (after scripts/setup)" when the feature was not built.
void RequireFeature(const std::string& name);

}  // namespace marginlab
