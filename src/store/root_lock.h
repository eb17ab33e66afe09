// The store root's advisory lock, ROOT/lock, taken with flock(2).
//
// Shared holders are anything that writes blobs the index does not reference
// yet (an import, a build, a pull) or reads an image's blobs across several
// calls (an export); they hold it from before the first blob is written (or
// read) until the index transaction that references the blobs has committed
// (or the last blob was opened). The exclusive holder is garbage collection
// (and the temp-file sweep): with no shared holder alive, every blob that no
// index row references is garbage and every temp file is abandoned. Index-only
// changes (tag, untag, remove) need no flock; SQLite serializes them.
//
// Every acquisition opens the lock file anew: flock locks belong to the open
// file description, so two acquisitions in one process (two threads, or a
// lease plus PutImage's own) behave like two processes instead of silently
// converting each other's lock. A crashed holder's lock dies with it.
#ifndef ZLAYER_STORE_ROOT_LOCK_H_
#define ZLAYER_STORE_ROOT_LOCK_H_

#include <optional>
#include <string>

#include "base/unique_fd.h"
#include "zlayer/result.h"

namespace zlayer::store {

enum class LockMode { kShared, kExclusive };

class RootLock {
 public:
  // Blocks until granted (retrying EINTR). `path` is created if missing.
  static Result<RootLock> Acquire(const std::string& path, LockMode mode);
  // nullopt when another holder conflicts.
  static Result<std::optional<RootLock>> TryAcquire(const std::string& path,
                                                    LockMode mode);

  RootLock() = default;
  bool held() const { return fd_.valid(); }
  LockMode mode() const { return mode_; }

 private:
  RootLock(base::UniqueFd fd, LockMode mode)
      : fd_(std::move(fd)), mode_(mode) {}

  base::UniqueFd fd_;  // closing it releases the lock
  LockMode mode_ = LockMode::kShared;
};

// A shared RootLock on one store root, handed out by Store::AcquireLease.
// Blob writes require one (see BlobStore::NewWriter) so that a blob cannot be
// collected between its commit and the index transaction that references it.
class Lease {
 public:
  Lease() = default;
  Lease(std::string root, RootLock lock)
      : root_(std::move(root)), lock_(std::move(lock)) {}

  const std::string& root() const { return root_; }
  bool held() const { return lock_.held(); }

 private:
  std::string root_;
  RootLock lock_;
};

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_ROOT_LOCK_H_
