#include "extract/metadata.h"

#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "base/log.h"
#include "extract/overlay_whiteout.h"

namespace zlayer::extract {
namespace {

timespec ToTimespec(const Timestamp& t) {
  return timespec{static_cast<time_t>(t.seconds), t.nanoseconds};
}

// The names llistxattr reports, NUL-separated.
Result<std::vector<std::string>> ListXattrs(const std::string& path) {
  while (true) {
    ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
    if (size < 0) return std::unexpected(Error("", ErrorKind::kIo, errno));
    std::string buffer(static_cast<size_t>(size), '\0');
    size = ::llistxattr(path.c_str(), buffer.data(), buffer.size());
    if (size < 0 && errno == ERANGE) continue;  // grew in between
    if (size < 0) return std::unexpected(Error("", ErrorKind::kIo, errno));
    buffer.resize(static_cast<size_t>(size));
    std::vector<std::string> names;
    for (size_t start = 0; start < buffer.size();) {
      size_t end = buffer.find('\0', start);
      if (end == std::string::npos) end = buffer.size();
      if (end > start) names.push_back(buffer.substr(start, end - start));
      start = end + 1;
    }
    return names;
  }
}

}  // namespace

bool IsHostXattr(std::string_view name) {
  return name == "security.selinux" || name == "system.nfs4_acl";
}

std::string Location::XattrPath() const {
  if (dir_fd == AT_FDCWD) return name;
  return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

void EntryTimes(const LayerEntry& entry, timespec times[2]) {
  times[1] = entry.has_mtime ? ToTimespec(entry.mtime) : timespec{0, UTIME_NOW};
  times[0] = entry.has_atime ? ToTimespec(entry.atime) : times[1];
}

DirRecord DirRecordFor(const LayerEntry& entry) {
  DirRecord record;
  record.mode = entry.mode;
  record.apply_mode = true;
  timespec times[2];
  EntryTimes(entry, times);
  record.atime = times[0];
  record.mtime = times[1];
  return record;
}

Status MetadataWriter::ApplyAll(const Location& where,
                                const LayerEntry& entry) {
  ZL_RETURN_IF_ERROR(ApplyOwner(where, entry));
  if (entry.type != EntryType::kSymlink &&
      ::fchmodat(where.dir_fd, where.name.c_str(), entry.mode, 0) != 0) {
    return FailErrno("chmod " + where.shown, errno);
  }
  ZL_RETURN_IF_ERROR(ApplyXattrs(where, entry));
  timespec times[2];
  EntryTimes(entry, times);
  if (::utimensat(where.dir_fd, where.name.c_str(), times,
                  AT_SYMLINK_NOFOLLOW) != 0) {
    return FailErrno("set times of " + where.shown, errno);
  }
  return Ok();
}

Status MetadataWriter::ApplyDirectoryNow(const Location& where,
                                         const LayerEntry& entry) {
  ZL_RETURN_IF_ERROR(ApplyOwner(where, entry));
  return ApplyXattrs(where, entry);
}

Status MetadataWriter::ApplyDirRecord(const Location& where,
                                      const DirRecord& record) {
  if (record.apply_mode &&
      ::fchmodat(where.dir_fd, where.name.c_str(), record.mode, 0) != 0) {
    return FailErrno("chmod " + where.shown, errno);
  }
  const timespec times[2] = {record.atime, record.mtime};
  if (::utimensat(where.dir_fd, where.name.c_str(), times,
                  AT_SYMLINK_NOFOLLOW) != 0) {
    return FailErrno("set times of " + where.shown, errno);
  }
  return Ok();
}

Status MetadataWriter::ApplyOwner(const Location& where,
                                  const LayerEntry& entry) {
  if (!privileged_) return Ok();
  if (::fchownat(where.dir_fd, where.name.c_str(), entry.uid, entry.gid,
                 AT_SYMLINK_NOFOLLOW) != 0) {
    return FailErrno("chown " + where.shown, errno);
  }
  return Ok();
}

Status MetadataWriter::ApplyXattrs(const Location& where,
                                   const LayerEntry& entry) {
  std::string path = where.XattrPath();
  // Only the header's xattrs may remain, also on a directory a lower layer
  // made and this one merges into.
  ZL_RETURN_IF_ERROR(ClearXattrs(path, where));
  for (const auto& [name, value] : entry.xattrs) {
    if (IsHostXattr(name)) {
      base::LogWarn("{}: ignoring host-specific xattr {}", where.shown, name);
      continue;
    }
    if (overlay_ && IsOverlayXattr(name)) {
      base::LogWarn("{}: ignoring overlayfs xattr {} in a layer", where.shown,
                    name);
      continue;
    }
    if (::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(),
                    0) != 0) {
      ZL_RETURN_IF_ERROR(XattrFailure(where, "set", name, errno));
    }
  }
  return Ok();
}

Status MetadataWriter::ClearXattrs(const std::string& path,
                                   const Location& where) {
  Result<std::vector<std::string>> names = ListXattrs(path);
  if (!names) {
    return XattrFailure(where, "list", "", names.error().errno_value());
  }
  for (const std::string& name : *names) {
    if (IsHostXattr(name)) continue;
    if (::lremovexattr(path.c_str(), name.c_str()) != 0 && errno != ENODATA) {
      ZL_RETURN_IF_ERROR(XattrFailure(where, "remove", name, errno));
    }
  }
  return Ok();
}

Status MetadataWriter::XattrFailure(const Location& where,
                                    const std::string& what,
                                    const std::string& name, int err) {
  std::string shown =
      what + " xattr " + (name.empty() ? "" : name + " ") + "on " + where.shown;
  // A filesystem without xattrs (some overlay, NFS or tmpfs setups) would
  // otherwise warn once per file.
  if (err == ENOTSUP) {
    if (!unsupported_warned_) {
      base::LogWarn(
          "{}: {}; the filesystem lacks xattr support, further "
          "xattrs are dropped silently",
          shown, std::strerror(err));
      unsupported_warned_ = true;
    }
    return Ok();
  }
  if (err == EPERM && !privileged_) {
    base::LogWarn("{}: {} (not privileged)", shown, std::strerror(err));
    return Ok();
  }
  return FailErrno(shown, err);
}

}  // namespace zlayer::extract
