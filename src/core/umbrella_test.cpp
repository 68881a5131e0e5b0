// The umbrella header marginlab/marginlab.hpp names every public header (and compiles: it is
// included here). Run from the source tree (ctest's working directory).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "marginlab/marginlab.hpp"

namespace marginlab {
namespace {

TEST(Umbrella, IncludesEveryPublicHeader) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path("include") / "marginlab";
  ASSERT_TRUE(fs::is_directory(root)) << "run from the source tree";
  std::ifstream in(root / "marginlab.hpp");
  std::stringstream text;
  text << in.rdbuf();
  int headers = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".hpp" || e.path().filename() == "marginlab.hpp") continue;
    ++headers;
    const std::string name = fs::relative(e.path(), fs::path("include")).generic_string();
    EXPECT_NE(text.str().find("#include \"" + name + "\""), std::string::npos)
        << name << " is not in marginlab/marginlab.hpp";
  }
  EXPECT_GT(headers, 50);
}

}  // namespace
}  // namespace marginlab
