#include "buildah/mount_points.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "base/unique_fd.h"

namespace zlayer::buildah {
namespace {

// `path` (relative to root_fd, "" for the root) opened with every symlink
// resolved inside the root.
base::UniqueFd OpenInRoot(int root_fd, const std::string& path, int flags) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT;
  std::string name = path.empty() ? "." : path;
  return base::UniqueFd(static_cast<int>(
      ::syscall(SYS_openat2, root_fd, name.c_str(), &how, sizeof(how))));
}

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  for (const auto& part : std::filesystem::path(path).lexically_normal()) {
    std::string name = part.string();
    if (name.empty() || name == "/" || name == ".") continue;
    parts.push_back(name);
  }
  return parts;
}

bool IsEmptyDir(int parent_fd, const std::string& name) {
  int fd = ::openat(parent_fd, name.c_str(),
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return false;
  }
  bool empty = true;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string entry_name = entry->d_name;
    if (entry_name != "." && entry_name != "..") {
      empty = false;
      break;
    }
  }
  ::closedir(dir);
  return empty;
}

}  // namespace

Result<MountPoints> MountPoints::Record(
    const std::string& root, const std::vector<std::string>& targets) {
  base::UniqueFd root_fd(
      ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return FailErrno("open " + root, errno);
  MountPoints points;
  points.root_ = root;
  for (const std::string& target : targets) {
    std::vector<std::string> parts = Components(target);
    std::string prefix;
    bool missing = false;
    for (const std::string& part : parts) {
      prefix += (prefix.empty() ? "" : "/") + part;
      if (!missing) {
        // A symlink there, even a dangling one, is not missing.
        base::UniqueFd fd =
            OpenInRoot(root_fd.get(), prefix, O_PATH | O_NOFOLLOW);
        if (fd) continue;
        if (errno != ENOENT) return FailErrno("stat " + target, errno);
        missing = true;
      }
      if (std::find(points.paths_.begin(), points.paths_.end(), prefix) ==
          points.paths_.end()) {
        points.paths_.push_back(prefix);
      }
    }
  }
  return points;
}

Status MountPoints::Remove() const {
  if (paths_.empty()) return Ok();
  base::UniqueFd root_fd(
      ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return FailErrno("open " + root_, errno);
  std::vector<std::string> deepest_first = paths_;
  std::sort(deepest_first.begin(), deepest_first.end(),
            [](const std::string& a, const std::string& b) {
              auto depth = [](const std::string& s) {
                return std::count(s.begin(), s.end(), '/');
              };
              return depth(a) != depth(b) ? depth(a) > depth(b) : a > b;
            });
  for (const std::string& path : deepest_first) {
    std::filesystem::path relative(path);
    std::string parent = relative.parent_path().string();
    std::string name = relative.filename().string();
    base::UniqueFd parent_path =
        OpenInRoot(root_fd.get(), parent, O_PATH | O_DIRECTORY);
    if (!parent_path) continue;  // gone, or replaced by a non-directory
    // O_PATH descriptors cannot be written through; reopen for unlinkat.
    std::string fd_path = "/proc/self/fd/" + std::to_string(parent_path.get());
    base::UniqueFd parent_fd(
        ::open(fd_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parent_fd) return FailErrno("open " + parent, errno);
    struct stat st;
    if (::fstatat(parent_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
        0) {
      continue;
    }
    int flags = -1;
    if (S_ISDIR(st.st_mode) && IsEmptyDir(parent_fd.get(), name)) {
      flags = AT_REMOVEDIR;
    } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
      flags = 0;
    }
    if (flags < 0) continue;
    if (::unlinkat(parent_fd.get(), name.c_str(), flags) != 0 &&
        errno != ENOENT) {
      return FailErrno("remove mount point " + path, errno);
    }
  }
  return Ok();
}

}  // namespace zlayer::buildah
