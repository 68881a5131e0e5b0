// Reading a whole input file (see file_bytes.hpp).
#include "marginlab/core/file_bytes.hpp"

#include <fstream>
#include <system_error>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"

namespace marginlab {
namespace fs = std::filesystem;

std::string ReadFileBytes(const fs::path& path) {
  std::error_code ec;
  ML_REQUIRE(fs::is_regular_file(path, ec))
      << path.string() << ": " << (fs::is_directory(path, ec) ? "is a folder, expected a file"
                                   : fs::exists(path, ec)     ? "is not a regular file (a device or pipe?)"
                                                              : "no such file");
  const std::uintmax_t size = fs::file_size(path, ec);
  ML_REQUIRE(!ec) << path.string() << ": cannot read its size: " << ec.message();
  RequireMemory(size, path.string() + " (" + std::to_string(size) + " bytes, read whole)");
  std::ifstream in(path, std::ios::binary);
  ML_REQUIRE(in) << path.string() << ": cannot open for reading";
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  ML_REQUIRE(!in.bad() && static_cast<std::uintmax_t>(in.gcount()) == size)
      << path.string() << ": read error (the file changed while it was read?)";
  return bytes;
}

}  // namespace marginlab
