#include "extract/overlay_whiteout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>

#include "extract/metadata.h"
#include "extract/removal.h"

namespace zlayer::extract {
namespace {

Status SetOpaque(const Location& where) {
  std::string path = where.XattrPath();
  if (::lsetxattr(path.c_str(), kOverlayOpaqueXattr, "y", 1, 0) != 0) {
    return FailErrno(
        "set " + std::string(kOverlayOpaqueXattr) + " on " + where.shown,
        errno);
  }
  return Ok();
}

}  // namespace

bool IsOverlayXattr(std::string_view name) {
  return name.starts_with("trusted.overlay.") ||
         name.starts_with("user.overlay.");
}

Status WriteOverlayWhiteout(const RootResolver& resolver, LayerState& state,
                            const EntryName& name) {
  ZL_ASSIGN_OR_RETURN(
      std::optional<ResolvedDir> dir,
      resolver.Resolve(name.parent, ResolveMode::kCreate, &state));
  if (!dir) return Fail("could not create the parent directory");
  std::string dir_key = dir->Key();
  if (name.whiteout == WhiteoutKind::kOpaque) {
    state.NoteHidesLower(dir_key);
    return Ok();
  }
  const std::string& target = name.whiteout_target;
  std::string key = ChildKey(dir_key, target);
  struct stat st;
  if (::fstatat(dir->fd.get(), target.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    // This layer's own entry: it already hides the lower path, and a
    // directory must also hide the lower directory's contents.
    if (S_ISDIR(st.st_mode)) state.NoteHidesLower(key);
    return Ok();
  }
  if (errno != ENOENT) return FailErrno("stat " + key, errno);
  ZL_RETURN_IF_ERROR(state.NoteDirTouched(dir->fd.get(), dir_key));
  if (::mknodat(dir->fd.get(), target.c_str(), S_IFCHR, makedev(0, 0)) != 0) {
    return FailErrno("create whiteout device " + key, errno);
  }
  if (::fchownat(dir->fd.get(), target.c_str(), 0, 0, AT_SYMLINK_NOFOLLOW) !=
      0) {
    return FailErrno("chown whiteout device " + key, errno);
  }
  return Ok();
}

Status MarkOpaqueDirectories(const RootResolver& resolver,
                             const LayerState& state) {
  for (const std::string& key : state.hides_lower()) {
    if (key == ".") {
      ZL_RETURN_IF_ERROR(
          SetOpaque(Location{AT_FDCWD, resolver.root_path(), "."}));
      continue;
    }
    PathComponents parent = SplitPath(key);
    std::string name = parent.back();
    parent.pop_back();
    ZL_ASSIGN_OR_RETURN(
        std::optional<ResolvedDir> dir,
        resolver.Resolve(parent, ResolveMode::kNoSymlinks, nullptr));
    struct stat st;
    // Replaced by a non-directory since it was noted: that hides the
    // lower path by itself.
    if (!dir ||
        ::fstatat(dir->fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISDIR(st.st_mode)) {
      continue;
    }
    ZL_RETURN_IF_ERROR(SetOpaque(Location{dir->fd.get(), name, key}));
  }
  return Ok();
}

}  // namespace zlayer::extract
