#include "sandbox/mount_points.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "base/log.h"

namespace zlayer::sandbox {
namespace {

bool SameTime(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

Status MakeDirectory(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0)
    return FailErrno("mkdir " + path, errno);
  // The umask must not narrow it.
  if (::chmod(path.c_str(), 0755) != 0)
    return FailErrno("chmod " + path, errno);
  return Ok();
}

}  // namespace

Status MakeDirectories(const std::string& root, const InRootPath& path) {
  std::string host = path.ExistingHostPath(root);
  for (const std::string& part : path.missing) {
    host += "/" + part;
    ZL_RETURN_IF_ERROR(MakeDirectory(host));
  }
  return Ok();
}

void CreatedMountPoints::TouchParent(const std::string& path) {
  for (const Parent& parent : parents_) {
    if (parent.path == path) return;
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return;
  Parent parent;
  parent.path = path;
  parent.before[0] = st.st_atim;
  parent.before[1] = st.st_mtim;
  parent.sealed_mtime = st.st_mtim;
  parents_.push_back(parent);
}

Result<std::string> CreatedMountPoints::Ensure(const InRootPath& path,
                                               bool directory) {
  std::string host = path.ExistingHostPath(root_);
  if (path.missing.empty()) return host;
  TouchParent(host);
  for (size_t i = 0; i < path.missing.size(); ++i) {
    host += "/" + path.missing[i];
    bool last = i + 1 == path.missing.size();
    if (last && !directory) {
      int fd =
          ::open(host.c_str(),
                 O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
      if (fd < 0) return FailErrno("create " + host, errno);
      ::fchmod(fd, 0644);
      ::close(fd);
    } else {
      ZL_RETURN_IF_ERROR(MakeDirectory(host));
    }
    created_.push_back({host, !last || directory});
  }
  return host;
}

void CreatedMountPoints::Sealed() {
  for (Parent& parent : parents_) {
    struct stat st;
    if (::lstat(parent.path.c_str(), &st) == 0) {
      parent.sealed_mtime = st.st_mtim;
    }
  }
}

void CreatedMountPoints::Remove() {
  if (created_.empty() && parents_.empty()) return;
  // What the run itself did to a parent directory stays visible: its times
  // go back to the original only if nothing but the mount_points changed it.
  std::vector<std::array<struct timespec, 2>> targets;
  for (const Parent& parent : parents_) {
    struct stat st;
    std::array<struct timespec, 2> times = {parent.before[0], parent.before[1]};
    if (::lstat(parent.path.c_str(), &st) == 0 &&
        !SameTime(st.st_mtim, parent.sealed_mtime)) {
      times = {st.st_atim, st.st_mtim};
    }
    targets.push_back(times);
  }
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    struct stat st;
    if (::lstat(it->path.c_str(), &st) != 0) continue;
    if (it->directory) {
      if (!S_ISDIR(st.st_mode)) continue;
      // The container's mounts vanish with its last process, but allow
      // the kernel a moment to let go of a mount point.
      int rc = -1;
      for (int attempt = 0; attempt < 50; ++attempt) {
        rc = ::rmdir(it->path.c_str());
        if (rc == 0 || errno != EBUSY) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (rc != 0 && errno != ENOTEMPTY && errno != EEXIST) {
        base::LogWarn("cannot remove mount point {}: {}", it->path,
                      std::strerror(errno));
      }
    } else {
      if (!S_ISREG(st.st_mode) || st.st_size != 0) continue;
      if (::unlink(it->path.c_str()) != 0) {
        base::LogWarn("cannot remove mount point {}: {}", it->path,
                      std::strerror(errno));
      }
    }
  }
  for (size_t i = 0; i < parents_.size(); ++i) {
    ::utimensat(AT_FDCWD, parents_[i].path.c_str(), targets[i].data(),
                AT_SYMLINK_NOFOLLOW);
  }
  created_.clear();
  parents_.clear();
}

}  // namespace zlayer::sandbox
