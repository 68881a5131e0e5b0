// Reading a whole input file: the data readers (IDX, CSV, NPY, NPZ) and the experiment configs
// parse bytes in memory.
#pragma once

#include <filesystem>
#include <string>

namespace marginlab {

// The bytes of the regular file `path`. Throws InputError naming the path when
// it is not a regular file, cannot be read, or is larger than the memory
// budget (memory.hpp) — checked before anything is allocated.
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace marginlab
