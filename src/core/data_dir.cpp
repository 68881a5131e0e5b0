// DataDir(): see data_dir.hpp.
#include "marginlab/core/data_dir.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"

namespace marginlab {
namespace fs = std::filesystem;

namespace {
bool HoldsData(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "experiments", ec);
}

// <folder of the file this code was loaded from>/../share/marginlab, or empty.
fs::path BesideLibrary() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&DataDir), &info) == 0 || info.dli_fname == nullptr) return {};
  std::error_code ec;
  const fs::path lib = fs::canonical(info.dli_fname, ec);
  if (ec) return {};
  return lib.parent_path().parent_path() / "share" / "marginlab";
}
}  // namespace

fs::path DataDir() {
  if (const char* env = std::getenv("MARGINLAB_DATA_DIR"); env != nullptr && *env != '\0') {
    ML_REQUIRE(HoldsData(env)) << "MARGINLAB_DATA_DIR=" << env
                               << ": expected a folder holding experiments/ (an installed share/marginlab, "
                                  "or a marginlab checkout)";
    return env;
  }
  const fs::path installed = BesideLibrary();
  if (!installed.empty() && HoldsData(installed)) return installed;
  if (HoldsData(MARGINLAB_SOURCE_DIR)) return MARGINLAB_SOURCE_DIR;
  throw InputError("marginlab's data files (experiments/, python/) were found neither in " +
                   (installed.empty() ? std::string("the installed share/marginlab") : installed.string()) +
                   " nor in the source tree " + MARGINLAB_SOURCE_DIR + "; set MARGINLAB_DATA_DIR");
}

}  // namespace marginlab
