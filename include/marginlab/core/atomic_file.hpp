// Write-then-rename output files, so that a failure never leaves a
// half-written file under the requested name and never clobbers an existing
// result before the new one is complete.
//
//     AtomicFile f(path);          // opens "<path>.tmp-<pid>-<n>" for writing
//     f.stream() << ...;
//     f.Commit();                  // flush, check, rename over <path>
// If Commit() is not reached (an exception), the destructor removes the
// temporary file. Commit() throws InputError naming the path if writing failed.
// Signals: after InstallSignalCleanup(), SIGINT, SIGTERM and SIGHUP remove every
// temporary file still open, print "marginlab: error: interrupted by SIGxxx …" and
// exit with code 2 (the results store needs no cleanup: SQLite's journal makes an
// interrupted transaction vanish, as for SIGKILL).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace marginlab {

// Creates a folder (and its missing parents) for output files. Until Keep(), an exception
// (the destructor) or a terminating signal removes the folders it created, if still empty — a
// failed or interrupted write leaves no empty output folder behind.
class NewFolder {
 public:
  explicit NewFolder(const std::filesystem::path& dir);  // InputError naming dir if it cannot
  ~NewFolder();
  NewFolder(const NewFolder&) = delete;
  NewFolder& operator=(const NewFolder&) = delete;
  void Keep();

 private:
  void RemoveCreated();
  std::vector<std::filesystem::path> created_;  // outermost first
  std::vector<int> slots_;
};

// Installs the handlers described above (the CLI calls it once, first thing).
void InstallSignalCleanup();
// The temporary files open now (for tests).
int OpenTemporaryFiles();

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
  int slot_ = -1;  // in the registry the signal handler cleans
};

}  // namespace marginlab
