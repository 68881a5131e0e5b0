// Reading a whole input file (internal to the data module): the readers
// (IDX, CSV, NPY, NPZ) parse bytes in memory.
#pragma once

#include <filesystem>
#include <string>

namespace marginlab::data_internal {

// The bytes of the regular file `path`. Throws InputError naming the path when
// it is not a regular file, cannot be read, or is larger than the memory
// budget (memory.hpp) — checked before anything is allocated.
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace marginlab::data_internal
