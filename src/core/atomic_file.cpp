// Write-then-rename output files (see atomic_file.hpp).
#include "marginlab/core/atomic_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <atomic>
#include <system_error>

#include "marginlab/core/error.hpp"

namespace marginlab {
namespace fs = std::filesystem;

namespace {
std::atomic<unsigned> g_counter{0};

// The registry of open temporary files, readable from a signal handler: fixed slots, each a
// path buffer published by an atomic flag (no allocation, no locks in the handler).
constexpr int kSlots = 64;
constexpr std::size_t kPathMax = 4096;
struct Slot {
  std::atomic<bool> used{false};
  std::atomic<bool> ready{false};
  bool folder = false;  // a folder to remove if empty (rmdir), else a file (unlink)
  char path[kPathMax];
};
Slot g_slots[kSlots];

int Register(const fs::path& p, bool folder = false) {
  const std::string& s = p.native();
  if (s.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (g_slots[i].used.compare_exchange_strong(expected, true)) {
      g_slots[i].folder = folder;
      std::memcpy(g_slots[i].path, s.c_str(), s.size() + 1);
      g_slots[i].ready.store(true, std::memory_order_release);
      return i;
    }
  }
  return -1;  // more than 64 open at once: that file is cleaned only by its destructor
}

void Unregister(int slot) {
  if (slot < 0) return;
  g_slots[slot].ready.store(false, std::memory_order_release);
  g_slots[slot].used.store(false, std::memory_order_release);
}

void WriteAll(const char* s) {
  std::size_t n = std::strlen(s);
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

extern "C" void OnTerminatingSignal(int sig) {
  for (auto& slot : g_slots)  // files first, then the folders made for them (deepest last made)
    if (slot.ready.load(std::memory_order_acquire) && !slot.folder) ::unlink(slot.path);
  for (int i = kSlots - 1; i >= 0; --i)
    if (g_slots[i].ready.load(std::memory_order_acquire) && g_slots[i].folder) ::rmdir(g_slots[i].path);
  WriteAll("marginlab: error: interrupted by ");
  WriteAll(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
  WriteAll("; partial output files removed, finished results kept (re-run to resume)\n");
  ::_exit(2);
}
}  // namespace

NewFolder::NewFolder(const fs::path& dir) {
  std::error_code ec;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    created_.insert(created_.begin(), p);
    if (p == p.parent_path()) break;
  }
  for (const fs::path& p : created_) {
    slots_.push_back(Register(p, true));  // before it exists, so a signal never misses it
    if (!fs::create_directory(p, ec) && !fs::is_directory(p)) {
      const std::string why = ec ? ec.message() : "a file of that name is in the way";
      RemoveCreated();
      throw InputError(dir.string() + ": cannot create folder: " + why);
    }
  }
  ML_REQUIRE(fs::is_directory(dir, ec)) << dir.string() << ": not a folder";
}

NewFolder::~NewFolder() { RemoveCreated(); }

void NewFolder::RemoveCreated() {
  for (std::size_t i = created_.size(); i-- > 0;) {
    std::error_code ec;
    fs::remove(created_[i], ec);  // removes only an empty folder
    Unregister(slots_.size() > i ? slots_[i] : -1);
  }
  created_.clear();
  slots_.clear();
}

void NewFolder::Keep() {
  for (int s : slots_) Unregister(s);
  created_.clear();
  slots_.clear();
}

void InstallSignalCleanup() {
  struct sigaction sa {};
  sa.sa_handler = OnTerminatingSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, sig);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

int OpenTemporaryFiles() {
  int n = 0;
  for (const auto& slot : g_slots) n += slot.ready.load() ? 1 : 0;
  return n;
}

AtomicFile::AtomicFile(fs::path path, bool binary) : path_(std::move(path)) {
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(path_.string() + ": cannot write: folder '" + dir.string() +
                     "' does not exist");
  tmp_ = path_;
  tmp_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(g_counter++);
  slot_ = Register(tmp_);  // before the file exists, so a signal never misses it
  out_.open(tmp_, binary ? std::ios::binary | std::ios::out : std::ios::out);
  if (!out_) {
    Unregister(slot_);
    throw InputError(path_.string() + ": cannot open for writing (" + std::strerror(errno) + ")");
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ec;
    fs::remove(tmp_, ec);
  }
  Unregister(slot_);
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
  Unregister(slot_);
  slot_ = -1;
}

}  // namespace marginlab
