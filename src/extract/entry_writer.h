// Creates one non-whiteout entry in its (already resolved) parent directory:
// clears whatever is in the way, creates the object with *at calls that
// never follow the final component, and applies its metadata.
#ifndef ZLAYER_EXTRACT_ENTRY_WRITER_H_
#define ZLAYER_EXTRACT_ENTRY_WRITER_H_

#include <string>

#include "extract/extract.h"
#include "extract/layer_reader.h"
#include "extract/layer_state.h"
#include "extract/metadata.h"
#include "extract/root_resolver.h"
#include "zlayer/result.h"

namespace zlayer::extract {

class EntryWriter {
 public:
  EntryWriter(const ExtractOptions& options, const RootResolver& resolver,
              LayerState& state)
      : options_(options),
        resolver_(resolver),
        state_(state),
        metadata_(options.privileged, options.overlay_whiteouts) {}

  // Writes `entry` as `name` in `parent`; regular file data comes from
  // `reader`. Device nodes must have been allowed by the caller.
  Status Write(const ResolvedDir& parent, const std::string& name,
               const LayerEntry& entry, LayerReader& reader);

  // A "./" entry: the root directory's own owner, xattrs, mode and times.
  Status WriteRoot(const LayerEntry& entry);

  // Sets the mode and times LayerState collected, children first.
  Status FinishDirectories();

 private:
  // Removes what is at `where` unless it is a directory and `keep_directory`;
  // returns whether a directory was kept.
  Result<bool> ClearWay(const ResolvedDir& parent, const Location& where,
                        bool keep_directory);
  Status WriteRegular(const Location& where, const LayerEntry& entry,
                      LayerReader& reader);
  Status WriteDirectory(const ResolvedDir& parent, const Location& where,
                        const LayerEntry& entry);
  Status WriteHardlink(const ResolvedDir& parent, const Location& where,
                       const LayerEntry& entry);
  Status WriteNode(const Location& where, const LayerEntry& entry);

  const ExtractOptions& options_;
  const RootResolver& resolver_;
  LayerState& state_;
  MetadataWriter metadata_;
};

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_ENTRY_WRITER_H_
