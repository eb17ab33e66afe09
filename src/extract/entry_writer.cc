#include "extract/entry_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/unique_fd.h"
#include "extract/entry_name.h"
#include "extract/removal.h"

namespace zlayer::extract {
namespace {

std::unexpected<Error> Invalid(std::string message) {
  return Fail(std::move(message), ErrorKind::kInvalid);
}

Status WriteAt(int fd, int64_t offset, std::string_view data,
               const std::string& shown) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("write " + shown, errno);
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return Ok();
}

}  // namespace

Status EntryWriter::Write(const ResolvedDir& parent, const std::string& name,
                          const LayerEntry& entry, LayerReader& reader) {
  Location where{parent.fd.get(), name, ChildKey(parent.Key(), name)};
  if (entry.type == EntryType::kDirectory) {
    return WriteDirectory(parent, where, entry);
  }
  if (entry.type == EntryType::kHardlink) {
    return WriteHardlink(parent, where, entry);
  }
  ZL_RETURN_IF_ERROR(ClearWay(parent, where, false));
  switch (entry.type) {
    case EntryType::kRegular:
      return WriteRegular(where, entry, reader);
    case EntryType::kSymlink:
      if (::symlinkat(entry.link_target.c_str(), where.dir_fd,
                      where.name.c_str()) != 0) {
        return FailErrno("symlink " + where.shown, errno);
      }
      state_.NoteSymlink(where.shown);
      return metadata_.ApplyAll(where, entry);
    default:
      return WriteNode(where, entry);
  }
}

Result<bool> EntryWriter::ClearWay(const ResolvedDir& parent,
                                   const Location& where, bool keep_directory) {
  struct stat st;
  if (::fstatat(where.dir_fd, where.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
      0) {
    if (errno == ENOENT) return false;
    return FailErrno("stat " + where.shown, errno);
  }
  if (keep_directory && S_ISDIR(st.st_mode)) return true;
  ZL_RETURN_IF_ERROR(RemoveAt(where.dir_fd, parent.Key(), where.name, state_));
  return false;
}

Status EntryWriter::WriteRegular(const Location& where, const LayerEntry& entry,
                                 LayerReader& reader) {
  // O_EXCL: the way was cleared, so anything found now is not ours to open.
  ZL_ASSIGN_OR_RETURN(
      base::UniqueFd file,
      base::OpenFileAt(where.dir_fd, where.name,
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
  int64_t end = 0;
  ZL_RETURN_IF_ERROR(
      reader.ReadData([&](int64_t offset, std::string_view data) -> Status {
        end = offset + static_cast<int64_t>(data.size());
        return WriteAt(file.get(), offset, data, where.shown);
      }));
  // A sparse entry may end in a hole.
  if (end != entry.size && ::ftruncate(file.get(), entry.size) != 0) {
    return FailErrno("truncate " + where.shown, errno);
  }
  ZL_RETURN_IF_ERROR(file.Close(where.shown));
  return metadata_.ApplyAll(where, entry);
}

Status EntryWriter::WriteDirectory(const ResolvedDir& parent,
                                   const Location& where,
                                   const LayerEntry& entry) {
  struct stat st;
  if (options_.overlay_whiteouts &&
      ::fstatat(where.dir_fd, where.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) ==
          0 &&
      !S_ISDIR(st.st_mode)) {
    // What this layer put here before (a whiteout device, a file) deleted
    // the lower path, so the lower directory's contents must not show.
    state_.NoteHidesLower(where.shown);
  }
  ZL_ASSIGN_OR_RETURN(bool kept, ClearWay(parent, where, true));
  // Private until FinishDirectories sets the header's mode.
  if (!kept && ::mkdirat(where.dir_fd, where.name.c_str(), 0700) != 0) {
    return FailErrno("mkdir " + where.shown, errno);
  }
  ZL_RETURN_IF_ERROR(metadata_.ApplyDirectoryNow(where, entry));
  state_.SetDirHeader(where.shown, DirRecordFor(entry));
  return Ok();
}

Status EntryWriter::WriteHardlink(const ResolvedDir& parent,
                                  const Location& where,
                                  const LayerEntry& entry) {
  ZL_ASSIGN_OR_RETURN(PathComponents target,
                      CleanRelativePath(entry.link_target, "hardlink target",
                                        options_.max_path_depth));
  std::string shown = "hardlink target " + Quote(entry.link_target);
  if (target.empty()) return Invalid(shown + " is the root directory");
  std::string target_name = target.back();
  target.pop_back();
  ZL_ASSIGN_OR_RETURN(
      std::optional<ResolvedDir> target_dir,
      resolver_.Resolve(target, ResolveMode::kExisting, &state_));
  struct stat st;
  if (!target_dir || ::fstatat(target_dir->fd.get(), target_name.c_str(), &st,
                               AT_SYMLINK_NOFOLLOW) != 0) {
    if (target_dir && errno != ENOENT) return FailErrno("stat " + shown, errno);
    return Invalid(shown + " does not exist in the root");
  }
  if (S_ISDIR(st.st_mode)) return Invalid(shown + " is a directory");
  if (S_ISLNK(st.st_mode)) {
    // A second name for a symlink is harmless to us, but an outward one
    // turns into a host file for any tool that follows links when linking.
    ZL_ASSIGN_OR_RETURN(std::string link,
                        ReadLinkAt(target_dir->fd.get(), target_name, shown));
    if (SymlinkTargetLeavesRoot(target_dir->path.size(), link)) {
      return Invalid(shown + " is a symlink pointing out of the root (-> " +
                     Quote(link) + ")");
    }
  }
  if (ChildKey(target_dir->Key(), target_name) == where.shown) return Ok();
  ZL_RETURN_IF_ERROR(ClearWay(parent, where, false));
  if (::linkat(target_dir->fd.get(), target_name.c_str(), where.dir_fd,
               where.name.c_str(), 0) != 0) {
    return FailErrno("link " + where.shown + " to " + entry.link_target, errno);
  }
  if (S_ISLNK(st.st_mode)) state_.NoteSymlink(where.shown);
  return Ok();
}

Status EntryWriter::WriteNode(const Location& where, const LayerEntry& entry) {
  mode_t type = S_IFIFO;
  dev_t device = 0;
  if (entry.type != EntryType::kFifo) {
    type = entry.type == EntryType::kCharDevice ? S_IFCHR : S_IFBLK;
    device = makedev(entry.dev_major, entry.dev_minor);
  }
  if (::mknodat(where.dir_fd, where.name.c_str(), type | 0600, device) != 0) {
    return FailErrno("mknod " + where.shown, errno);
  }
  return metadata_.ApplyAll(where, entry);
}

Status EntryWriter::WriteRoot(const LayerEntry& entry) {
  if (entry.type != EntryType::kDirectory) {
    return Invalid("refusing to replace the root directory with a " +
                   std::string(EntryTypeName(entry.type)));
  }
  Location root{AT_FDCWD, resolver_.root_path(), "."};
  ZL_RETURN_IF_ERROR(metadata_.ApplyDirectoryNow(root, entry));
  state_.SetDirHeader(".", DirRecordFor(entry));
  return Ok();
}

Status EntryWriter::FinishDirectories() {
  const auto& directories = state_.directories();
  for (auto it = directories.rbegin(); it != directories.rend(); ++it) {
    const auto& [key, record] = *it;
    if (key == ".") continue;
    PathComponents parent = SplitPath(key);
    std::string name = parent.back();
    parent.pop_back();
    // A directory replaced since it was noted is simply skipped.
    ZL_ASSIGN_OR_RETURN(
        std::optional<ResolvedDir> dir,
        resolver_.Resolve(parent, ResolveMode::kNoSymlinks, nullptr));
    struct stat st;
    if (!dir ||
        ::fstatat(dir->fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISDIR(st.st_mode)) {
      continue;
    }
    ZL_RETURN_IF_ERROR(
        metadata_.ApplyDirRecord(Location{dir->fd.get(), name, key}, record));
  }
  auto root = directories.find(".");
  if (root == directories.end()) return Ok();
  return metadata_.ApplyDirRecord(
      Location{AT_FDCWD, resolver_.root_path(), "."}, root->second);
}

}  // namespace zlayer::extract
