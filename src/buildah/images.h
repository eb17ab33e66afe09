// Images crossing between the two stores: bases resolved by zlayer (pulled
// under --pull into the zlayer store) handed to buildah, and the built
// image handed back, so `zlayer images/inspect/export/push` see it.
#ifndef ZLAYER_BUILDAH_IMAGES_H_
#define ZLAYER_BUILDAH_IMAGES_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "buildah/cli.h"
#include "oci/media_types.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::buildah {

// A zlayer store image's id in buildah's storage once copied there. Its
// config is the same blob (same id) unless it carries ONBUILD triggers,
// which are dropped: `buildah from` would run them, and the plan has
// already made them steps of the stage.
class BaseImages {
 public:
  // `work_dir` is on the store's filesystem (layouts hard-link its blobs).
  BaseImages(const Cli& cli, store::Store& store, std::string work_dir)
      : cli_(cli), store_(store), work_dir_(std::move(work_dir)) {}

  // "sha256:<hex>" of the zlayer store -> the buildah image id (hex),
  // copying the image over the first time (as localhost/zlayer-base-<hex>,
  // kept for later builds).
  Result<std::string> Ensure(const std::string& image_id);

 private:
  const Cli& cli_;
  store::Store& store_;
  std::string work_dir_;
  std::mutex mu_;
  std::map<std::string, std::string> known_;
};

// The manifest and config a zlayer image has in buildah's storage: the
// stored ones, or with ONBUILD dropped from the config.
struct BuildahBaseDocuments {
  std::string manifest;
  std::string config;
};
Result<BuildahBaseDocuments> BaseDocuments(const std::string& manifest,
                                           const std::string& config);

// Turns the directory `buildah push IMAGE dir:DIR` wrote (manifest.json
// and blobs named by hex digest) into an OCI image layout in place.
Status DirToLayout(const std::string& dir);

// Copies buildah image `buildah_id` into the zlayer store with `tags` (the
// manifest as buildah pushes it, layers compressed as asked), through a
// scratch directory under `work_dir`.
Result<store::ImageRecord> ImportBuiltImage(
    const Cli& cli, store::Store& store, const std::string& buildah_id,
    oci::Compression compression, const std::vector<std::string>& tags,
    const std::string& work_dir);

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_IMAGES_H_
