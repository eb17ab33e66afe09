// Reading an OCI image layout (a directory with oci-layout, index.json and
// blobs/) into the store. The layout may come from anywhere, so every blob
// is read through its descriptor: a regular file under blobs/ whose size
// and digest match, and every layer's diff_id must match the config.
#ifndef ZLAYER_IMAGEIO_OCI_LAYOUT_IMPORT_H_
#define ZLAYER_IMAGEIO_OCI_LAYOUT_IMPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "oci/descriptor.h"
#include "oci/index.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::imageio {

// The blobs of a layout directory.
class LayoutBlobs {
 public:
  explicit LayoutBlobs(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // DIR/blobs/<algorithm>/<hex>, which must be a regular file (not a
  // symlink) of the descriptor's size.
  Result<std::string> PathOf(const oci::Descriptor& descriptor) const;
  // A small blob (manifest, index, config), verified against its digest.
  Result<std::string> Read(const oci::Descriptor& descriptor) const;

 private:
  std::string dir_;
};

// The image chosen from a layout, with the annotations of its index.json
// entry (which carry its name).
struct LayoutImage {
  oci::Descriptor manifest;
  std::map<std::string, std::string> annotations;
};

// Picks the image to import from index.json: the only image entry, or,
// inside an image index, the first manifest for the host platform.
Result<LayoutImage> SelectLayoutImage(const LayoutBlobs& blobs,
                                      const oci::Index& index);

// The image name a layout entry carries: io.containerd.image.name, or a
// ref.name that is a whole "name:tag" reference; empty when neither.
std::string NameFromAnnotations(
    const std::map<std::string, std::string>& annotations);

// Copies the manifest `manifest_descriptor` names, its config and layers
// from `blobs` into the store, verifying each, and records the image with
// `names`. The caller holds `lease`.
Result<store::ImageRecord> ImportManifest(
    store::Store& store, const store::Lease& lease, const LayoutBlobs& blobs,
    const oci::Descriptor& manifest_descriptor,
    const std::vector<std::string>& names);

// Imports the layout at `dir`; `name` (may be empty) overrides the name in
// index.json.
Result<store::ImageRecord> ImportOciLayout(store::Store& store,
                                           const store::Lease& lease,
                                           const std::string& dir,
                                           const std::string& name);

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_OCI_LAYOUT_IMPORT_H_
