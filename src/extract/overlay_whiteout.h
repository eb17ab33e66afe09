// Whiteouts kept in overlayfs form, for a layer unpacked into its own
// directory to serve as an overlay lower layer (ExtractOptions::
// overlay_whiteouts): ".wh.NAME" becomes the 0/0 character device NAME and
// an opaque marker, or a directory that replaces a deleted path within the
// layer, gets trusted.overlay.opaque="y". Nothing is deleted: the lower
// layers are other directories. containerd's overlay snapshotter and
// Docker's overlay2 driver write the same forms.
#ifndef ZLAYER_EXTRACT_OVERLAY_WHITEOUT_H_
#define ZLAYER_EXTRACT_OVERLAY_WHITEOUT_H_

#include <string_view>

#include "extract/entry_name.h"
#include "extract/layer_state.h"
#include "extract/root_resolver.h"
#include "zlayer/result.h"

namespace zlayer::extract {

inline constexpr char kOverlayOpaqueXattr[] = "trusted.overlay.opaque";

// Whether an xattr is overlayfs's own: one from a layer's headers would
// change how the overlay reads the layer, so the overlay mode drops them.
bool IsOverlayXattr(std::string_view name);

// Applies the whiteout `name` (kRemove or kOpaque). A whiteout of a path
// this layer also creates leaves that entry (whiteouts hide only lower
// layers), making a directory opaque.
Status WriteOverlayWhiteout(const RootResolver& resolver, LayerState& state,
                            const EntryName& name);

// Sets the opaque xattr on every directory LayerState::hides_lower names
// that is still a directory. Call once every entry is written.
Status MarkOpaqueDirectories(const RootResolver& resolver,
                             const LayerState& state);

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_OVERLAY_WHITEOUT_H_
