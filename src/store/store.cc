#include "store/store.h"

#include <ctime>
#include <filesystem>
#include <set>

#include "oci/image_config.h"
#include "oci/manifest.h"
#include "store/image_name.h"

namespace zlayer::store {
namespace {

Status CreateRoot(const std::string& root) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  // An existing non-directory fails here too, with ENOTDIR or EEXIST.
  if (ec) return FailErrno("create " + root, ec.value());
  return Ok();
}

// The manifest must describe an image that this config is the config of.
Status CheckPairing(const oci::Manifest& manifest, std::string_view config,
                    const oci::ImageConfig& image) {
  const oci::Descriptor& desc = manifest.config;
  if (desc.media_type != oci::kOciConfig &&
      desc.media_type != oci::kDockerConfig) {
    return Fail("manifest: config.mediaType \"" + desc.media_type +
                    "\" is not an image config; artifacts cannot be stored "
                    "as images",
                ErrorKind::kUnsupported);
  }
  base::Digest actual = base::Digest::Of(config);
  if (desc.digest != actual ||
      desc.size != static_cast<int64_t>(config.size())) {
    return Fail("manifest: config is " + desc.digest.ToString() + " (" +
                    std::to_string(desc.size) +
                    " bytes) but the config given "
                    "is " +
                    actual.ToString() + " (" + std::to_string(config.size()) +
                    " bytes)",
                ErrorKind::kInvalid);
  }
  if (manifest.layers.size() != image.rootfs.diff_ids.size()) {
    return Fail("manifest has " + std::to_string(manifest.layers.size()) +
                    " layers but the config lists " +
                    std::to_string(image.rootfs.diff_ids.size()) + " diff_ids",
                ErrorKind::kInvalid);
  }
  return Ok();
}

}  // namespace

Result<Store> Store::Open(const std::string& root) {
  auto context = [&](auto result) {
    return WithContext(std::move(result), "store " + root);
  };
  ZL_RETURN_IF_ERROR(context(CreateRoot(root)));
  BlobStore blobs(root);
  ZL_RETURN_IF_ERROR(context(blobs.CreateDirs()));
  ZL_ASSIGN_OR_RETURN(auto index,
                      context(ImageIndex::Open(root + "/index.db")));
  Store store(root, std::move(index));
  // With the exclusive lock no writer is active, so every temporary file
  // is a crashed writer's. Skipped when someone is writing; GC sweeps too.
  ZL_ASSIGN_OR_RETURN(auto lock, context(RootLock::TryAcquire(
                                     store.LockPath(), LockMode::kExclusive)));
  if (lock) ZL_RETURN_IF_ERROR(context(store.SweepScratch()));
  return store;
}

Result<Lease> Store::AcquireLease() const {
  ZL_ASSIGN_OR_RETURN(
      RootLock lock, InStore(RootLock::Acquire(LockPath(), LockMode::kShared)));
  return Lease(root_, std::move(lock));
}

Result<ImageRecord> Store::BuildRecord(std::string_view manifest_json,
                                       std::string_view config_json) {
  ZL_ASSIGN_OR_RETURN(oci::Manifest manifest,
                      oci::ParseManifest(manifest_json));
  ZL_ASSIGN_OR_RETURN(oci::ImageConfig config,
                      oci::ParseImageConfig(config_json));
  ZL_RETURN_IF_ERROR(CheckPairing(manifest, config_json, config));
  ImageRecord image;
  image.id = manifest.config.digest;
  image.manifest_digest = base::Digest::Of(manifest_json);
  image.manifest_media_type = manifest.media_type.empty()
                                  ? std::string(oci::kOciManifest)
                                  : manifest.media_type;
  image.manifest_size = static_cast<int64_t>(manifest_json.size());
  image.config_size = static_cast<int64_t>(config_json.size());
  image.created = config.created;
  image.total_size = image.manifest_size + image.config_size;
  std::set<base::Digest> counted;
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    const oci::Descriptor& layer = manifest.layers[i];
    auto size = blobs_.Size(layer.digest);
    if (!size) {
      return std::unexpected(size.error().AddContext(
          "layer " + std::to_string(i) + " (" + layer.digest.ToString() + ")"));
    }
    if (*size != static_cast<uint64_t>(layer.size)) {
      return Fail("layer " + std::to_string(i) + " (" +
                      layer.digest.ToString() + "): the manifest says " +
                      std::to_string(layer.size) + " bytes, the blob has " +
                      std::to_string(*size),
                  ErrorKind::kInvalid);
    }
    if (counted.insert(layer.digest).second) image.total_size += layer.size;
    image.layers.push_back({layer.digest, config.rootfs.diff_ids[i], layer.size,
                            layer.media_type});
  }
  return image;
}

Result<ImageRecord> Store::PutImage(std::string_view manifest,
                                    std::string_view config,
                                    std::span<const std::string> names) {
  std::vector<std::string> tags;
  for (const std::string& name : names) {
    ZL_ASSIGN_OR_RETURN(std::string tag, NormalizeTagName(name));
    tags.push_back(std::move(tag));
  }
  // Shared until the rows commit, so GC cannot take the layer blobs checked
  // below, nor the manifest and config written here, before they count.
  ZL_ASSIGN_OR_RETURN(Lease lease, AcquireLease());
  ZL_ASSIGN_OR_RETURN(ImageRecord image,
                      InStore(BuildRecord(manifest, config)));
  image.tags = std::move(tags);
  ZL_RETURN_IF_ERROR(InStore(blobs_.Put(lease, config, image.id)));
  ZL_RETURN_IF_ERROR(
      InStore(blobs_.Put(lease, manifest, image.manifest_digest)));
  ZL_RETURN_IF_ERROR(InStore(
      index_->PutImage(image, static_cast<int64_t>(std::time(nullptr)))));
  ZL_ASSIGN_OR_RETURN(auto stored, InStore(index_->GetImage(image.id)));
  if (!stored) {
    // Removed by another process right after the commit.
    return Fail("image " + image.id.ToString() + " was removed while stored",
                ErrorKind::kNotFound);
  }
  return std::move(*stored);
}

}  // namespace zlayer::store
