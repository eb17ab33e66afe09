#include "store/root_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace zlayer::store {
namespace {

int Operation(LockMode mode) {
  return mode == LockMode::kShared ? LOCK_SH : LOCK_EX;
}

std::string_view ModeName(LockMode mode) {
  return mode == LockMode::kShared ? "shared" : "exclusive";
}

Result<base::UniqueFd> OpenLockFile(const std::string& path) {
  return base::OpenFile(path, O_RDWR | O_CREAT, 0644);
}

}  // namespace

Result<RootLock> RootLock::Acquire(const std::string& path, LockMode mode) {
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd, OpenLockFile(path));
  while (::flock(fd.get(), Operation(mode)) != 0) {
    if (errno != EINTR) {
      return FailErrno(
          "lock " + path + " (" + std::string(ModeName(mode)) + ")", errno);
    }
  }
  return RootLock(std::move(fd), mode);
}

Result<std::optional<RootLock>> RootLock::TryAcquire(const std::string& path,
                                                     LockMode mode) {
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd, OpenLockFile(path));
  while (::flock(fd.get(), Operation(mode) | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::optional<RootLock>();
    if (errno != EINTR) {
      return FailErrno(
          "lock " + path + " (" + std::string(ModeName(mode)) + ")", errno);
    }
  }
  return std::optional<RootLock>(RootLock(std::move(fd), mode));
}

}  // namespace zlayer::store
