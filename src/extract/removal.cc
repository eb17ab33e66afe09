#include "extract/removal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"

namespace zlayer::extract {
namespace {

constexpr mode_t kOwnerAll = S_IRWXU;

// Opens a directory for listing; an unprivileged owner may first need to
// grant itself access to a directory a layer made unreadable.
Result<base::UniqueFd> OpenForListing(int dir_fd, const std::string& name,
                                      const std::string& shown) {
  constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::openat(dir_fd, name.c_str(), kFlags);
  if (fd < 0 && errno == EACCES && name != ".") {
    if (::fchmodat(dir_fd, name.c_str(), kOwnerAll, 0) != 0) {
      return FailErrno("chmod " + shown, errno);
    }
    fd = ::openat(dir_fd, name.c_str(), kFlags);
  }
  if (fd < 0) return FailErrno("open " + shown, errno);
  return base::UniqueFd(fd);
}

// Reads all names before anything is unlinked: unlinking while readdir
// walks the same directory may make some filesystems skip entries.
Result<std::vector<std::string>> ListNames(base::UniqueFd dir,
                                           const std::string& shown) {
  DIR* stream = ::fdopendir(dir.get());
  if (stream == nullptr) return FailErrno("opendir " + shown, errno);
  dir.release();
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(stream)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  int err = errno;
  ::closedir(stream);
  if (err != 0) return FailErrno("readdir " + shown, err);
  return names;
}

Status RemoveDirectory(int dir_fd, const std::string& dir_key,
                       const std::string& name, LayerState& state,
                       const SpareFn& spare) {
  std::string key = ChildKey(dir_key, name);
  ZL_ASSIGN_OR_RETURN(base::UniqueFd child, OpenForListing(dir_fd, name, key));
  struct stat parent_st, child_st;
  if (::fstat(dir_fd, &parent_st) != 0 ||
      ::fstat(child.get(), &child_st) != 0) {
    return FailErrno("stat " + key, errno);
  }
  if (parent_st.st_dev != child_st.st_dev) {
    return Fail("remove " + key + ": is a mount point; refusing to remove " +
                "another filesystem's files");
  }
  bool spared = spare && spare(key);
  ZL_RETURN_IF_ERROR(
      RemoveContents(child.get(), key, state, spared ? spare : SpareFn()));
  if (spared) return Ok();
  ZL_RETURN_IF_ERROR(state.NoteDirTouched(dir_fd, dir_key));
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return FailErrno("remove " + key, errno);
  }
  state.Forget(key);
  return Ok();
}

}  // namespace

std::string ChildKey(const std::string& dir_key, const std::string& name) {
  return dir_key == "." ? name : dir_key + "/" + name;
}

Status RemoveAt(int dir_fd, const std::string& dir_key, const std::string& name,
                LayerState& state, const SpareFn& spare) {
  std::string key = ChildKey(dir_key, name);
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Ok();
    return FailErrno("stat " + key, errno);
  }
  if (S_ISDIR(st.st_mode)) {
    return RemoveDirectory(dir_fd, dir_key, name, state, spare);
  }
  if (spare && spare(key)) return Ok();
  ZL_RETURN_IF_ERROR(state.NoteDirTouched(dir_fd, dir_key));
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
    return FailErrno("remove " + key, errno);
  }
  state.Forget(key);
  return Ok();
}

Status RemoveContents(int dir_fd, const std::string& dir_key, LayerState& state,
                      const SpareFn& spare) {
  ZL_ASSIGN_OR_RETURN(base::UniqueFd listing,
                      OpenForListing(dir_fd, ".", dir_key));
  int fd = listing.get();
  ZL_ASSIGN_OR_RETURN(base::UniqueFd reopened,
                      base::OpenFileAt(fd, ".", O_PATH | O_DIRECTORY));
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> names,
                      ListNames(std::move(listing), dir_key));
  for (const std::string& name : names) {
    ZL_RETURN_IF_ERROR(RemoveAt(reopened.get(), dir_key, name, state, spare));
  }
  return Ok();
}

Status ApplyWhiteout(const RootResolver& resolver, LayerState& state,
                     const EntryName& name) {
  ZL_ASSIGN_OR_RETURN(
      std::optional<ResolvedDir> dir,
      resolver.Resolve(name.parent, ResolveMode::kExisting, &state));
  if (!dir) return Ok();
  SpareFn spare = [&state](const std::string& key) {
    return state.IsUpper(key);
  };
  if (name.whiteout == WhiteoutKind::kOpaque) {
    return RemoveContents(dir->fd.get(), dir->Key(), state, spare);
  }
  return RemoveAt(dir->fd.get(), dir->Key(), name.whiteout_target, state,
                  spare);
}

}  // namespace zlayer::extract
