// Where marginlab's data files are: the folder holding experiments/ (the built-in experiment
// TOMLs) and python/ (the report's Python package).
//
// Looked up, first match wins:
//   1. $MARGINLAB_DATA_DIR, when set (an InputError naming the variable if it has no
//      experiments/ folder);
//   2. <the folder of libmarginlab.so>/../share/marginlab — an installed tree, wherever it was
//      moved after `cmake --install` (the library finds itself with dladdr);
//   3. the source tree it was built from (a build tree: build/ beside experiments/).
// Throws InputError naming every place tried when none holds experiments/.
#pragma once

#include <filesystem>

namespace marginlab {

std::filesystem::path DataDir();

}  // namespace marginlab
