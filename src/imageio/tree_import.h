// Importers for directory trees that an archive was securely unpacked into:
// the `docker save` layout (manifest.json, config, layer tars) and a plain
// root filesystem that becomes a one-layer image.
#ifndef ZLAYER_IMAGEIO_TREE_IMPORT_H_
#define ZLAYER_IMAGEIO_TREE_IMPORT_H_

#include <string>

#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::imageio {

// Whether `dir` holds a `docker save` archive: a manifest.json that is a
// JSON array.
bool IsDockerArchiveTree(const std::string& dir);

// Imports the single image of the docker archive unpacked at `dir`. Layers
// (plain or compressed tars) are stored gzip-compressed and must match the
// config's diff_ids; the config is kept byte for byte, so the image id is
// the one Docker shows. `name` (may be empty) replaces the RepoTags.
Result<store::ImageRecord> ImportDockerArchiveTree(store::Store& store,
                                                   const store::Lease& lease,
                                                   const std::string& dir,
                                                   const std::string& name);

// Turns the root filesystem at `dir` into a one-layer gzip image with a
// minimal config for the host platform; `source` names the input in the
// history entry. The creation time is SOURCE_DATE_EPOCH when set.
Result<store::ImageRecord> ImportRootfsTree(store::Store& store,
                                            const store::Lease& lease,
                                            const std::string& dir,
                                            const std::string& source,
                                            const std::string& name);

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_TREE_IMPORT_H_
