#include "base/temp_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/unique_fd.h"

namespace zlayer::base {
namespace {

constexpr mode_t kOwnerAll = S_IRWXU;

std::string JoinPath(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

Result<std::string> AbsolutePath(const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  char* cwd = ::getcwd(nullptr, 0);
  if (cwd == nullptr) return FailErrno("getcwd", errno);
  std::string out = JoinPath(cwd, path);
  std::free(cwd);
  return out;
}

// Whether `fd` (a directory inside the tree) is the root of another mount.
// STATX_ATTR_MOUNT_ROOT also catches bind mounts of the same filesystem;
// kernels before 5.8 lack it, so fall back to comparing devices.
Result<bool> IsMountRoot(int fd, dev_t parent_dev, const std::string& shown) {
  struct statx stx;
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) != 0) {
    return FailErrno("stat " + shown, errno);
  }
  if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) {
    return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  }
  return makedev(stx.stx_dev_major, stx.stx_dev_minor) != parent_dev;
}

// Reads every name first: unlinking while readdir walks the same directory
// may make some filesystems skip entries.
Result<std::vector<std::string>> ListNames(int dir_fd,
                                           const std::string& shown) {
  int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return FailErrno("dup " + shown, errno);
  DIR* dir = ::fdopendir(dup_fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(dup_fd);
    return FailErrno("opendir " + shown, err);
  }
  ::rewinddir(dir);  // the duplicate shares the offset with `dir_fd`
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return FailErrno("readdir " + shown, err);
  return names;
}

// Opens the subdirectory `name` without following a symlink, granting the
// owner search and read permission first if the directory withholds them.
Result<UniqueFd> OpenSubdir(int dir_fd, const std::string& name,
                            const std::string& shown) {
  constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::openat(dir_fd, name.c_str(), kFlags);
  if (fd < 0 && errno == EACCES) {
    // glibc applies AT_SYMLINK_NOFOLLOW through an O_PATH descriptor, so a
    // symlink swapped in meanwhile is refused rather than followed.
    if (::fchmodat(dir_fd, name.c_str(), kOwnerAll, AT_SYMLINK_NOFOLLOW) != 0) {
      return FailErrno("chmod " + shown, errno);
    }
    fd = ::openat(dir_fd, name.c_str(), kFlags);
  }
  if (fd < 0) return FailErrno("open " + shown, errno);
  return UniqueFd(fd);
}

Status RemoveContents(int dir_fd, const std::string& shown);

Status RemoveEntry(int dir_fd, dev_t dir_dev, const std::string& name,
                   const std::string& shown) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) {
    return Ok();
  }
  if (errno != EISDIR) return FailErrno("remove " + shown, errno);

  auto child = OpenSubdir(dir_fd, name, shown);
  if (!child) {
    // Replaced by a non-directory since unlinkat looked: remove that.
    int err = child.error().errno_value();
    if (err != ENOTDIR && err != ELOOP) return std::unexpected(child.error());
    if (::unlinkat(dir_fd, name.c_str(), 0) == 0) return Ok();
    return FailErrno("remove " + shown, errno);
  }
  ZL_ASSIGN_OR_RETURN(bool mounted, IsMountRoot(child->get(), dir_dev, shown));
  if (mounted) {
    return Fail("remove " + shown +
                ": is a mount point; refusing to remove "
                "another filesystem's files");
  }
  ZL_RETURN_IF_ERROR(RemoveContents(child->get(), shown));
  child->reset();
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return FailErrno("remove " + shown, errno);
  }
  return Ok();
}

// Empties the directory open as `dir_fd`, first giving the owner full access
// to it so that entries can be listed and unlinked.
Status RemoveContents(int dir_fd, const std::string& shown) {
  struct stat st;
  if (::fstat(dir_fd, &st) != 0) return FailErrno("stat " + shown, errno);
  if ((st.st_mode & kOwnerAll) != kOwnerAll &&
      ::fchmod(dir_fd, (st.st_mode & 07777) | kOwnerAll) != 0) {
    return FailErrno("chmod " + shown, errno);
  }
  ZL_ASSIGN_OR_RETURN(auto names, ListNames(dir_fd, shown));
  for (const std::string& name : names) {
    ZL_RETURN_IF_ERROR(
        RemoveEntry(dir_fd, st.st_dev, name, JoinPath(shown, name)));
  }
  return Ok();
}

}  // namespace

Status RemoveTree(const std::string& path) {
  if (path.empty()) return Fail("remove: empty path", ErrorKind::kInvalid);
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  size_t slash = trimmed.find_last_of('/');
  std::string parent = slash == std::string::npos ? "."
                       : slash == 0               ? "/"
                                                  : trimmed.substr(0, slash);
  std::string name =
      slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    return Fail("remove " + path + ": refusing to remove this path",
                ErrorKind::kInvalid);
  }
  auto parent_fd = OpenFile(parent, O_RDONLY | O_DIRECTORY);
  if (!parent_fd) {
    if (parent_fd.error().errno_value() == ENOENT) return Ok();
    return std::unexpected(parent_fd.error().AddContext("remove " + path));
  }
  struct stat st;
  if (::fstat(parent_fd->get(), &st) != 0) {
    return FailErrno("stat " + parent, errno);
  }
  return RemoveEntry(parent_fd->get(), st.st_dev, name, trimmed);
}

Result<TempDir> TempDir::Create(const std::string& parent,
                                std::string_view prefix) {
  if (prefix.find('/') != std::string_view::npos) {
    return Fail("create temporary directory: prefix \"" + std::string(prefix) +
                    "\" contains '/'",
                ErrorKind::kInvalid);
  }
  std::string dir = parent;
  if (dir.empty()) {
    const char* env = std::getenv("TMPDIR");
    dir = env != nullptr && *env != '\0' ? env : "/tmp";
  }
  ZL_ASSIGN_OR_RETURN(dir, AbsolutePath(dir));
  std::string tmpl = JoinPath(dir, std::string(prefix) + "XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return FailErrno("create temporary directory in " + dir, errno);
  }
  return TempDir(std::move(tmpl));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  auto removed = Remove();
  if (!removed) LogWarn("{}", removed.error().message());
}

TempDir::TempDir(TempDir&& other) noexcept : path_(other.Release()) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    TempDir doomed(std::move(*this));
    path_ = other.Release();
  }
  return *this;
}

std::string TempDir::Release() { return std::exchange(path_, std::string()); }

Status TempDir::Remove() {
  if (path_.empty()) return Ok();
  ZL_RETURN_IF_ERROR(RemoveTree(path_));
  path_.clear();
  return Ok();
}

}  // namespace zlayer::base
