// Lexical checks on the names inside a layer, before anything touches the
// filesystem: cleaning ("./a//b/" is "a/b"), refusing names that leave the
// root, and recognising OCI whiteouts.
#ifndef ZLAYER_EXTRACT_ENTRY_NAME_H_
#define ZLAYER_EXTRACT_ENTRY_NAME_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::extract {

// Path components of a cleaned name; empty for the root itself.
using PathComponents = std::vector<std::string>;

// "a/b/c"; "." for no components.
std::string JoinComponents(const PathComponents& components);

// The non-empty components of `path`, "." and ".." kept as they are.
PathComponents SplitPath(std::string_view path);

// Cleans a relative name as Go's filepath.Clean would, but refuses (kInvalid)
// what Clean would have to invent an answer for: an empty name, an absolute
// one, a ".." that climbs above the root, a name over PATH_MAX bytes, a
// component over NAME_MAX bytes, or more than `max_depth` components.
// `what` names the field in errors ("path", "hardlink target").
Result<PathComponents> CleanRelativePath(std::string_view raw,
                                         std::string_view what,
                                         size_t max_depth);

enum class WhiteoutKind {
  kNone,      // an ordinary entry
  kRemove,    // ".wh.<name>": delete <name> from the lower layers
  kOpaque,    // ".wh..wh..opq": hide what the lower layers put in the parent
  kAufsMeta,  // ".wh..wh.<other>": AUFS bookkeeping, ignored as Docker does
};

struct EntryName {
  PathComponents parent;  // the directory the entry lives in
  std::string base;       // its last component; empty for the root
  WhiteoutKind whiteout = WhiteoutKind::kNone;
  std::string whiteout_target;  // for kRemove: <name> in parent

  bool is_root() const { return base.empty(); }
  PathComponents Components() const;
};

// Cleans `raw` and classifies whiteouts. Besides CleanRelativePath's
// refusals, a whiteout naming nothing, "." or "..", and a ".wh." prefix on a
// directory component (a whiteout used as a directory) are refused.
Result<EntryName> ParseEntryName(std::string_view raw, size_t max_depth);

// `name` in double quotes for an error message: control characters, '"'
// and '\\' escaped (so the message stays on one line), and names over 256
// bytes cut short with their length noted.
std::string Quote(std::string_view name);

// Whether a symlink whose parent directory is `link_depth` components below
// the root, read by the host kernel, would leave the root: absolute targets
// always do, relative ones when their ".." climbs above the root.
bool SymlinkTargetLeavesRoot(size_t link_depth, std::string_view target);

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_ENTRY_NAME_H_
