// Ownership, permissions, xattrs and times of extracted objects. Every call
// names the object by a directory descriptor and a final component that is
// never followed, so metadata meant for a symlink cannot land on its target.
#ifndef ZLAYER_EXTRACT_METADATA_H_
#define ZLAYER_EXTRACT_METADATA_H_

#include <fcntl.h>
#include <sys/stat.h>

#include <string>

#include "extract/extract.h"
#include "extract/layer_state.h"
#include "zlayer/result.h"

namespace zlayer::extract {

// An object inside the root: `name` in the directory `dir_fd`, or for the
// root itself AT_FDCWD and the root's absolute path.
struct Location {
  int dir_fd = AT_FDCWD;
  std::string name;
  std::string shown;  // the path inside the root, for messages

  // A path for the l*xattr calls, which have no *at form:
  // "/proc/self/fd/<dir_fd>/<name>" (the /proc link pins the directory).
  std::string XattrPath() const;
};

// The times an entry asks for: mtime (now when the header has none), and
// atime (the mtime when the header has none), as utimensat wants them.
void EntryTimes(const LayerEntry& entry, timespec times[2]);

// The mode and times a directory entry's header asks for.
DirRecord DirRecordFor(const LayerEntry& entry);

class MetadataWriter {
 public:
  // `overlay`: ExtractOptions::overlay_whiteouts, under which the layer's
  // own overlayfs xattrs are dropped (see overlay_whiteout.h).
  explicit MetadataWriter(bool privileged, bool overlay = false)
      : privileged_(privileged), overlay_(overlay) {}

  // Everything for a freshly created non-directory: owner, then mode (chown
  // clears setuid and setgid), then xattrs (chown also drops
  // security.capability), then times. Symlinks get no mode.
  Status ApplyAll(const Location& where, const LayerEntry& entry);

  // Owner and xattrs only: a directory's mode and times wait for its
  // contents (see LayerState).
  Status ApplyDirectoryNow(const Location& where, const LayerEntry& entry);

  // Sets a directory's final mode (when `record.apply_mode`) and times.
  Status ApplyDirRecord(const Location& where, const DirRecord& record);

 private:
  Status ApplyOwner(const Location& where, const LayerEntry& entry);
  Status ApplyXattrs(const Location& where, const LayerEntry& entry);
  Status ClearXattrs(const std::string& path, const Location& where);
  // Decides whether a failed xattr call is fatal; warns otherwise.
  Status XattrFailure(const Location& where, const std::string& what,
                      const std::string& name, int err);

  bool privileged_;
  bool overlay_;
  bool unsupported_warned_ = false;
};

// xattrs that describe the host rather than the image (umoci skips the
// same): never cleared, never set.
bool IsHostXattr(std::string_view name);

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_METADATA_H_
