// Removal inside the extraction root, always relative to a directory
// descriptor and never through a symlink: the clobbering of an entry that a
// new one replaces, and OCI whiteouts (image-spec layer.md). ".wh.<name>"
// deletes <name> from the lower layers, ".wh..wh..opq" empties its directory
// of what the lower layers put there. Both spare whatever the current layer
// itself created, before or after the marker, so the order of entries
// inside a layer does not change the result. This matches umoci's DirRootfs
// extraction.
#ifndef ZLAYER_EXTRACT_REMOVAL_H_
#define ZLAYER_EXTRACT_REMOVAL_H_

#include <functional>
#include <string>

#include "extract/entry_name.h"
#include "extract/layer_state.h"
#include "extract/root_resolver.h"
#include "zlayer/result.h"

namespace zlayer::extract {

// Given a path inside the root (as a LayerState key), whether it must stay.
using SpareFn = std::function<bool(const std::string& key)>;

// Removes `name` from the directory `dir_fd` (at `dir_key`), recursively.
// With `spare`, a spared directory is kept and only its unspared contents
// go; a spared non-directory is kept whole. A missing `name` is no error.
// Every directory that loses a child is noted in `state` first, and removed
// subtrees are forgotten there. A mount point inside the tree stops the
// removal with an error rather than emptying another filesystem.
Status RemoveAt(int dir_fd, const std::string& dir_key, const std::string& name,
                LayerState& state, const SpareFn& spare = nullptr);

// Removes the unspared contents of the directory `dir_fd` (at `dir_key`);
// `dir_fd` may be an O_PATH descriptor.
Status RemoveContents(int dir_fd, const std::string& dir_key, LayerState& state,
                      const SpareFn& spare);

// `dir_key` + "/" + `name`, with "." as the root's key.
std::string ChildKey(const std::string& dir_key, const std::string& name);

// Applies the whiteout `name` (kRemove or kOpaque). A whiteout for
// something that does not exist is no error: an earlier whiteout of the
// same layer may have removed it already.
Status ApplyWhiteout(const RootResolver& resolver, LayerState& state,
                     const EntryName& name);

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_REMOVAL_H_
