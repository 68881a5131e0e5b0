// Write-then-rename output files (see atomic_file.hpp).
#include "marginlab/core/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <system_error>

#include "marginlab/core/error.hpp"

namespace marginlab {
namespace fs = std::filesystem;

namespace {
std::atomic<unsigned> g_counter{0};
}

AtomicFile::AtomicFile(fs::path path, bool binary) : path_(std::move(path)) {
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(path_.string() + ": cannot write: folder '" + dir.string() +
                     "' does not exist");
  tmp_ = path_;
  tmp_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(g_counter++);
  out_.open(tmp_, binary ? std::ios::binary | std::ios::out : std::ios::out);
  if (!out_) throw InputError(path_.string() + ": cannot open for writing");
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ec;
    fs::remove(tmp_, ec);
  }
}

void AtomicFile::Write(const void* data, std::size_t bytes) {
  out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

void AtomicFile::Commit() {
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok || out_.fail()) throw InputError(path_.string() + ": write failed (disk full?)");
  std::error_code ec;
  fs::rename(tmp_, path_, ec);
  if (ec) throw InputError(path_.string() + ": cannot move the finished file into place: " + ec.message());
  committed_ = true;
}

}  // namespace marginlab
