// `zlayer import`: an OCI image layout directory, an OCI archive, a docker
// archive (`docker save`, skopeo) or a plain root-filesystem tarball
// (optionally compressed) into the store.
//
// Archives are hostile until proven otherwise: they are unpacked with the
// secure layer extractor into a scratch directory under ROOT/tmp, every
// blob is verified against its digest before it becomes visible, and every
// layer's diff_id against the config. A failed import leaves no image and
// no scratch files; the blobs it wrote are unreferenced and collected.
#ifndef ZLAYER_IMAGEIO_IMPORT_H_
#define ZLAYER_IMAGEIO_IMPORT_H_

#include <string>

#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::imageio {

struct ImportOptions {
  // NAME[:TAG] for the image; empty keeps the name the input carries
  // (io.containerd.image.name, a full ref.name, RepoTags), if any.
  std::string name;
};

Result<store::ImageRecord> ImportImage(store::Store& store,
                                       const std::string& path,
                                       const ImportOptions& options = {});

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_IMPORT_H_
