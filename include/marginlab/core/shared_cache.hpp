// Values that several processes of one run share, kept as files: the expensive references many
// trials need (meanfield's certified L*, per training set), computed once per run — by whichever
// process asks first — and read by every other process and every later run (a resume, another
// shard's process, the ranks of an MPI run on the nodes that see the folder).
//
// The runner points the process at its results folder's `.cache/` (SharedCacheScope); with no
// folder set, GetOrCompute just computes. A value is a byte string under a key (a name and a
// description of everything it depends on; the file name is a 128-bit hash of both, the file
// holds the key and is checked on read). GetOrCompute takes an exclusive flock on the key's
// lock file while it looks and computes, so a second process asking for the same key waits and
// then reads the first one's value instead of computing it again; the value is written atomically
// (write, then rename). A folder that cannot be written only costs the sharing: the value is
// computed and returned as without a folder. A failed computation stores nothing.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace marginlab {

// The folder of the current run's shared values ("" = none). Process-wide.
std::filesystem::path SharedCacheDir();

// Sets the folder for its lifetime (restoring the previous one after).
class SharedCacheScope {
 public:
  explicit SharedCacheScope(const std::filesystem::path& dir);
  ~SharedCacheScope();
  SharedCacheScope(const SharedCacheScope&) = delete;
  SharedCacheScope& operator=(const SharedCacheScope&) = delete;

 private:
  std::filesystem::path previous_;
};

struct SharedValue {
  std::string bytes;
  bool computed = false;  // computed by this call (else read from the folder)
};

// The value under (name, key): read from the folder, or computed (and stored) under the key's lock.
SharedValue GetOrComputeShared(const std::string& name, const std::string& key,
                               const std::function<std::string()>& compute);

}  // namespace marginlab
