// `marginlab version`: the version and what this build contains.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "marginlab/core/data_dir.hpp"
#include "marginlab/core/features.hpp"

namespace marginlab::cli {

void RegisterVersion(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version and the optional backends built in");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "machine-readable output");
  cmd->callback([json] {
    if (*json) {
      nlohmann::json features = nlohmann::json::object();
      for (const auto& f : BuildFeatures()) features[f.name] = f.built;
      PrintJson({{"version", Version()}, {"features", features}, {"data_dir", DataDir().string()}});
      return;
    }
    std::cout << "marginlab " << Version() << " (data files: " << DataDir().string() << ")\n";
    for (const auto& f : BuildFeatures())
      std::cout << "  " << (f.built ? "[x] " : "[ ] ") << f.name << " — " << f.what
                << (f.built ? "" : " (off: -D" + f.cmake_option + "=ON)") << "\n";
  });
}

}  // namespace marginlab::cli
