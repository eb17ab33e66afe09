// Content hashes of context files, kept across builds so an untouched
// context is not re-read: an entry is reused while the file's device,
// inode, size, mtime and ctime (nanoseconds) are unchanged. Touching a file
// re-hashes it and finds the same content: the build cache still hits.
#ifndef ZLAYER_COPY_HASH_CACHE_H_
#define ZLAYER_COPY_HASH_CACHE_H_

#include <sys/stat.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/sha256.h"
#include "zlayer/result.h"

namespace zlayer::copy {

class HashCache {
 public:
  // Loads `path` (missing or corrupt: starts empty); "" keeps it in memory.
  static Result<std::unique_ptr<HashCache>> Open(const std::string& path);

  // SHA-256 of the file's content: `fd` is open on `abs_path` and `st` is
  // its fstat. Thread-safe.
  Result<base::Digest> ContentDigest(const std::string& abs_path, int fd,
                                     const struct stat& st);

  // The remembered digest when `st` still matches the entry (a hit), so a
  // caller need not even open the file; nullopt otherwise (not counted).
  std::optional<base::Digest> Lookup(const std::string& abs_path,
                                     const struct stat& st);

  // Writes the cache atomically (entries not used for 30 days dropped).
  Status Save();

  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

 private:
  struct Entry {
    dev_t dev;
    ino_t ino;
    off_t size;
    int64_t mtime_ns;
    int64_t ctime_ns;
    base::Digest digest;
    int64_t used;  // unix seconds
  };
  explicit HashCache(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  bool dirty_ = false;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace zlayer::copy

#endif  // ZLAYER_COPY_HASH_CACHE_H_
