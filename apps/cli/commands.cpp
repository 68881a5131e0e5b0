// The one list of subcommands. Add a new command here and in command.hpp.
#include "command.hpp"

namespace marginlab::cli {

void RegisterAll(CLI::App& app) {
  RegisterVersion(app);
  RegisterData(app);
  RegisterTrain(app);
  RegisterKernel(app);
  RegisterRun(app);
  RegisterReport(app);
  RegisterMargin(app);
  RegisterCertify(app);
  RegisterMeanField(app);
}

}  // namespace marginlab::cli
