// Shared values as files (core/shared_cache.hpp).
//
// File <dir>/<name>-<hash>.value: "marginlab shared value 1\n" <key length> "\n" <key> <bytes>;
// <dir>/<name>-<hash>.lock: the flock taken while looking and computing. The hash is Hash128
// (core/bytes.hpp) of name + '\0' + key; the stored key is compared on read, so a collision only
// costs a recomputation.
#include "marginlab/core/shared_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "marginlab/core/atomic_file.hpp"
#include "marginlab/core/bytes.hpp"
#include "marginlab/core/file_bytes.hpp"

namespace marginlab {

namespace {

std::mutex dir_mu;
std::filesystem::path current_dir;
constexpr const char* kHeader = "marginlab shared value 1\n";

std::string FileStem(const std::string& name, const std::string& key) {
  Hash128 h;
  h.Add(name);
  h.Add("", 1);
  h.Add(key);
  return name + "-" + h.Hex();
}

// The stored bytes, when the file exists and holds this key.
bool ReadValue(const std::filesystem::path& file, const std::string& key, std::string* bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return false;
  std::string text;
  try {
    text = ReadFileBytes(file);
  } catch (...) {
    return false;
  }
  const std::string header = kHeader;
  if (text.compare(0, header.size(), header) != 0) return false;
  std::size_t at = header.size();
  const std::size_t nl = text.find('\n', at);
  if (nl == std::string::npos) return false;
  std::size_t len = 0;
  try {
    len = std::stoul(text.substr(at, nl - at));
  } catch (...) {
    return false;
  }
  at = nl + 1;
  if (text.size() < at + len || text.compare(at, len, key) != 0) return false;
  *bytes = text.substr(at + len);
  return true;
}

class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

std::filesystem::path SharedCacheDir() {
  std::lock_guard lock(dir_mu);
  return current_dir;
}

SharedCacheScope::SharedCacheScope(const std::filesystem::path& dir) {
  std::lock_guard lock(dir_mu);
  previous_ = current_dir;
  current_dir = dir;
}

SharedCacheScope::~SharedCacheScope() {
  std::lock_guard lock(dir_mu);
  current_dir = previous_;
}

SharedValue GetOrComputeShared(const std::string& name, const std::string& key,
                               const std::function<std::string()>& compute) {
  const std::filesystem::path dir = SharedCacheDir();
  SharedValue out;
  std::error_code ec;
  if (dir.empty() || (std::filesystem::create_directories(dir, ec), !std::filesystem::is_directory(dir, ec))) {
    out.bytes = compute();
    out.computed = true;
    return out;
  }
  const std::string stem = FileStem(name, key);
  const std::filesystem::path file = dir / (stem + ".value");
  if (ReadValue(file, key, &out.bytes)) return out;  // the common case: no lock needed
  const FileLock lock(dir / (stem + ".lock"));        // (no lock possible: compute without)
  if (ReadValue(file, key, &out.bytes)) return out;  // computed while this process waited
  out.bytes = compute();
  out.computed = true;
  try {
    AtomicFile f(file);
    f.stream() << kHeader << key.size() << "\n" << key << out.bytes;
    f.Commit();
  } catch (...) {
    // An unwritable folder costs the sharing only.
  }
  return out;
}

}  // namespace marginlab
