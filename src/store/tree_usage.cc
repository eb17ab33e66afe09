#include "store/tree_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <utility>

#include "base/unique_fd.h"

namespace zlayer::store {
namespace {

using Inode = std::pair<dev_t, ino_t>;

// Takes ownership of `fd`, a directory opened for reading.
Result<std::vector<std::string>> ReadNames(int fd, const std::string& shown) {
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(fd);
    return FailErrno("open directory " + shown, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return FailErrno("read directory " + shown, err);
  return names;
}

Status Measure(int dir_fd, const struct stat& dir_st, const std::string& shown,
               std::set<Inode>& seen, uint64_t& bytes) {
  int fd = ::dup(dir_fd);
  if (fd < 0) return FailErrno("dup " + shown, errno);
  ZL_ASSIGN_OR_RETURN(auto names, ReadNames(fd, shown));
  for (const std::string& name : names) {
    std::string path = shown + "/" + name;
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed while we looked
      return FailErrno("stat " + path, errno);
    }
    if (st.st_dev != dir_st.st_dev) continue;  // a mount point
    if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) &&
        !seen.emplace(st.st_dev, st.st_ino).second) {
      continue;
    }
    bytes += static_cast<uint64_t>(st.st_blocks) * 512;
    if (!S_ISDIR(st.st_mode)) continue;
    int child = ::openat(dir_fd, name.c_str(),
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0) {
      if (errno == ENOENT || errno == EACCES) continue;
      return FailErrno("open " + path, errno);
    }
    base::UniqueFd owned(child);
    ZL_RETURN_IF_ERROR(Measure(child, st, path, seen, bytes));
  }
  return Ok();
}

}  // namespace

Result<uint64_t> MeasureTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return uint64_t{0};
    return FailErrno("stat " + path, errno);
  }
  uint64_t bytes = static_cast<uint64_t>(st.st_blocks) * 512;
  if (!S_ISDIR(st.st_mode)) return bytes;
  int fd =
      ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == EACCES) return bytes;
    return FailErrno("open " + path, errno);
  }
  base::UniqueFd owned(fd);
  std::set<Inode> seen;
  ZL_RETURN_IF_ERROR(Measure(fd, st, path, seen, bytes));
  return bytes;
}

Result<std::vector<std::string>> ListDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::vector<std::string>();
    return FailErrno("open directory " + dir, errno);
  }
  return ReadNames(fd, dir);
}

}  // namespace zlayer::store
