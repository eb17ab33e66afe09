// Test helpers: synthetic images whose layer blobs are arbitrary bytes.
#ifndef ZLAYER_STORE_STORE_TESTING_H_
#define ZLAYER_STORE_STORE_TESTING_H_

#include <string>
#include <vector>

#include "base/sha256.h"
#include "oci/image_config.h"
#include "oci/manifest.h"
#include "store/store.h"

namespace zlayer::store::testing {

struct TestImage {
  std::string manifest;
  std::string config;
  base::Digest id;
  base::Digest manifest_digest;
  std::vector<std::string> layers;  // the layer blobs' bytes
};

// An image with one layer per entry of `layers`; `label` makes the config
// (and so the id) unique. A layer's diff_id is derived from its bytes, so
// the same bytes always pair with the same diff_id.
inline TestImage MakeTestImage(const std::vector<std::string>& layers,
                               const std::string& label,
                               oci::Format format = oci::Format::kOci,
                               const oci::Platform& platform = {
                                   .architecture = "amd64", .os = "linux"}) {
  oci::ImageConfig config;
  config.architecture = platform.architecture;
  config.os = platform.os;
  config.variant = platform.variant;
  config.created = "2024-01-02T03:04:05Z";
  config.config.labels["test"] = label;
  std::vector<oci::Descriptor> descriptors;
  for (const std::string& layer : layers) {
    config.rootfs.diff_ids.push_back(base::Digest::Of("diff:" + layer));
    descriptors.push_back(oci::DescribeContent(
        *oci::LayerMediaType(format, oci::Compression::kGzip), layer));
  }
  TestImage image;
  image.config = oci::SerializeImageConfig(config);
  image.id = base::Digest::Of(image.config);
  image.manifest = oci::SerializeManifest(oci::MakeManifest(
      format, oci::DescribeContent(oci::ConfigMediaType(format), image.config),
      std::move(descriptors)));
  image.manifest_digest = base::Digest::Of(image.manifest);
  image.layers = layers;
  return image;
}

// A one-layer image ("layer of LABEL") for `os`/`arch`[/`variant`].
inline TestImage MakePlatformImage(const std::string& os,
                                   const std::string& arch,
                                   const std::string& variant,
                                   const std::string& label,
                                   oci::Format format = oci::Format::kOci) {
  return MakeTestImage({"layer of " + label}, label, format,
                       {.architecture = arch, .os = os, .variant = variant});
}

// Writes the image's layer blobs under `lease`.
inline Status WriteLayers(const Store& store, const Lease& lease,
                          const TestImage& image) {
  for (const std::string& layer : image.layers) {
    ZL_RETURN_IF_ERROR(store.blobs().Put(lease, layer));
  }
  return Ok();
}

// Writes the layers and stores the image under `names`, as an import does.
inline Result<ImageRecord> Import(Store& store, const TestImage& image,
                                  const std::vector<std::string>& names = {}) {
  ZL_ASSIGN_OR_RETURN(Lease lease, store.AcquireLease());
  ZL_RETURN_IF_ERROR(WriteLayers(store, lease, image));
  return store.PutImage(image.manifest, image.config, names);
}

}  // namespace zlayer::store::testing

#endif  // ZLAYER_STORE_STORE_TESTING_H_
