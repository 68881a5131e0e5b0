// Write-then-rename output files, so that a failure never leaves a
// half-written file under the requested name and never clobbers an existing
// result before the new one is complete.
//
//     AtomicFile f(path);          // opens "<path>.tmp-<pid>-<n>" for writing
//     f.stream() << ...;
//     f.Commit();                  // flush, check, rename over <path>
// If Commit() is not reached (an exception), the destructor removes the
// temporary file. Commit() throws InputError naming the path if writing failed.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace marginlab {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path, bool binary = true);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  void Write(const void* data, std::size_t bytes);
  void Commit();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace marginlab
