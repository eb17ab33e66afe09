#include "layer/xattrs.h"

#include <linux/limits.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>

namespace zlayer::layer {
namespace {

constexpr std::string_view kTrustedOverlay = "trusted.overlay.";
constexpr std::string_view kUserOverlay = "user.overlay.";

// Filesystems (or security modules) that have no attributes to give.
bool IsUnsupported(int err) { return err == ENOTSUP || err == ENOSYS; }

void NoteOverlayMark(std::string_view name, std::string_view value,
                     OverlayMarks& marks) {
  std::string_view key = name.starts_with(kTrustedOverlay)
                             ? name.substr(kTrustedOverlay.size())
                             : name.substr(kUserOverlay.size());
  // "x" marks a directory holding xattr whiteouts, which is not opaque.
  if (key == "opaque" && value == "y") marks.opaque = true;
  if (key == "redirect") marks.redirect = true;
  if (key == "metacopy") marks.metacopy = true;
}

}  // namespace

bool IsOverlayXattr(std::string_view name) {
  return name.starts_with(kTrustedOverlay) || name.starts_with(kUserOverlay);
}

XattrReader::XattrReader()
    : names_(std::make_unique_for_overwrite<char[]>(XATTR_LIST_MAX)),
      value_(std::make_unique_for_overwrite<char[]>(XATTR_SIZE_MAX)) {}

Result<Xattrs> XattrReader::Read(const std::string& path, OverlayMarks& marks) {
  Xattrs xattrs;
  ssize_t list_size = ::llistxattr(path.c_str(), names_.get(), XATTR_LIST_MAX);
  if (list_size < 0) {
    if (IsUnsupported(errno)) return xattrs;
    return FailErrno("list extended attributes of " + path, errno);
  }
  std::string_view list(names_.get(), static_cast<size_t>(list_size));
  while (!list.empty()) {
    std::string_view name = list.substr(0, list.find('\0'));
    list.remove_prefix(std::min(list.size(), name.size() + 1));
    if (name.empty()) continue;
    std::string name_z(name);
    ssize_t size =
        ::lgetxattr(path.c_str(), name_z.c_str(), value_.get(), XATTR_SIZE_MAX);
    if (size < 0) {
      // Removed between listing and reading: it is simply not there.
      if (errno == ENODATA || IsUnsupported(errno)) continue;
      return FailErrno("read extended attribute " + name_z + " of " + path,
                       errno);
    }
    std::string_view value(value_.get(), static_cast<size_t>(size));
    if (IsOverlayXattr(name)) {
      NoteOverlayMark(name, value, marks);
      continue;
    }
    // A PAX record is "key=value"; Go's reader and GNU tar reject a key
    // holding '=', so such an attribute cannot be carried faithfully.
    if (name.find('=') != std::string_view::npos) {
      return Fail("extended attribute \"" + name_z + "\" of " + path +
                      ": names containing '=' cannot be stored in a tar layer",
                  ErrorKind::kUnsupported);
    }
    xattrs.emplace_back(std::move(name_z), std::string(value));
  }
  std::sort(xattrs.begin(), xattrs.end());
  return xattrs;
}

}  // namespace zlayer::layer
