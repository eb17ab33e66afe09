// Reading the extended attributes a layer carries. overlayfs keeps its own
// bookkeeping in trusted.overlay.* (or user.overlay.* when mounted with
// userxattr); those describe the upper directory, not the files, and never
// go into a layer.
#ifndef ZLAYER_LAYER_XATTRS_H_
#define ZLAYER_LAYER_XATTRS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::layer {

// (name, raw value) pairs, sorted by name.
using Xattrs = std::vector<std::pair<std::string, std::string>>;

// True for trusted.overlay.* and user.overlay.*.
bool IsOverlayXattr(std::string_view name);

// The overlay attributes that matter to a diff, read alongside the others.
struct OverlayMarks {
  bool opaque = false;    // "overlay.opaque" is "y"
  bool redirect = false;  // "overlay.redirect": a renamed directory
  bool metacopy = false;  // "overlay.metacopy": data still in a lower layer
};

// Reads attributes with buffers sized for the kernel's limits (64 KiB for
// the name list and for one value), so a file needs one llistxattr call
// plus one lgetxattr per attribute, and nothing is allocated per file
// beyond the result.
class XattrReader {
 public:
  XattrReader();

  // The attributes of `path` (not following a final symlink), overlay's own
  // left out and reported in `marks` instead. A filesystem without xattr
  // support yields none. Errors name the path.
  Result<Xattrs> Read(const std::string& path, OverlayMarks& marks);

 private:
  std::unique_ptr<char[]> names_;
  std::unique_ptr<char[]> value_;
};

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_XATTRS_H_
