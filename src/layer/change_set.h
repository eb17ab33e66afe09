// The change-set walker: what goes into a layer, in the order it goes in.
//
// Entries come depth first, parents before their children, and the entries
// of each directory sorted by the bytes of their names in the layer (so a
// whiteout ".wh.b" sorts among the names as itself), the same order GNU
// tar's --sort=name and Go's filepath.Walk give. The root itself is not an
// entry, as in BuildKit's layers.
//
// For an overlayfs upper directory, a character device 0:0 is a whiteout
// and becomes ".wh.<name>", and a directory marked opaque (overlay.opaque
// = "y") is followed at once by its ".wh..wh..opq" marker. Overlay's own
// xattrs are never reported. Callers that compute a diff themselves pass
// deletions and opaque directories explicitly instead.
#ifndef ZLAYER_LAYER_CHANGE_SET_H_
#define ZLAYER_LAYER_CHANGE_SET_H_

#include <sys/stat.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "layer/xattrs.h"
#include "zlayer/result.h"

namespace zlayer::layer {

inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

enum class SourceKind {
  kDirectory,     // a whole tree, e.g. a base layer or an import
  kOverlayUpper,  // an overlayfs upper directory: a diff with whiteouts
};

struct ChangeSet {
  std::string root;
  SourceKind kind = SourceKind::kDirectory;
  // Paths relative to the root that the layer deletes from the layers
  // below; each becomes ".wh.<name>" in its parent, which must be a
  // directory in the tree.
  std::vector<std::string> deletions;
  // Directories in the tree whose lower contents the layer hides.
  std::vector<std::string> opaque_dirs;
};

enum class EntryKind {
  kRegular,
  kDirectory,
  kSymlink,
  kCharDevice,
  kBlockDevice,
  kFifo,
  kWhiteout,  // an empty ".wh.<name>" file
  kOpaque,    // an empty ".wh..wh..opq" file
};

struct Entry {
  // Relative to the root, without "./" or a trailing '/': "etc/passwd",
  // "etc/.wh.shadow", "var/cache/.wh..wh..opq".
  std::string path;
  EntryKind kind = EntryKind::kRegular;
  // Where the metadata comes from: the entry's own lstat; for a whiteout the
  // device node's (or, for an explicit deletion, the parent directory's)
  // with mode 0600; for an opaque marker the directory's permission bits.
  struct stat st = {};
  std::string link_target;  // kSymlink only
  Xattrs xattrs;            // never for whiteouts and markers
  // For kRegular: the open directory holding the file and the file's name in
  // it, valid during the callback, so the contents can be opened without
  // resolving the path again.
  int dir_fd = -1;
  const char* source_name = nullptr;
};

// Receives each entry; an error stops the walk and is returned by it.
using EntryCallback = std::function<Status(const Entry& entry)>;

// Walks `changes`. Sockets are skipped (no layer format holds them). Errors
// name the path: an unreadable file or directory, a name starting with
// ".wh." in the source (reserved for whiteouts), a deletion whose parent is
// not a directory in the tree or which is also present, an overlay upper
// using redirect_dir or metacopy (kUnsupported: its diff cannot be read
// from the upper directory alone).
Status WalkChangeSet(const ChangeSet& changes, const EntryCallback& callback);

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_CHANGE_SET_H_
