#include "imageio/oci_layout_import.h"

#include <sys/stat.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "imageio/blob_copy.h"
#include "oci/image_config.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/platform.h"

namespace zlayer::imageio {
namespace {

// Manifests, indexes and configs are small; a huge one is hostile.
constexpr int64_t kMaxDocumentSize = 16 << 20;
constexpr std::string_view kContainerdNameAnnotation =
    "io.containerd.image.name";

Status CheckLayoutMarker(const std::string& dir) {
  auto text = base::ReadFile(dir + "/oci-layout");
  if (!text) {
    return Fail(dir + " is not an OCI image layout (no readable oci-layout)",
                ErrorKind::kInvalid);
  }
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object() || !json.contains("imageLayoutVersion") ||
      !json["imageLayoutVersion"].is_string()) {
    return Fail(dir + "/oci-layout: imageLayoutVersion is missing",
                ErrorKind::kInvalid);
  }
  return Ok();
}

// Images from one index: manifests for the host (or without a platform),
// and for nested indexes the first such manifest inside.
Result<std::vector<LayoutImage>> Candidates(const LayoutBlobs& blobs,
                                            const oci::Index& index,
                                            int depth) {
  std::vector<LayoutImage> found;
  for (const oci::Descriptor& entry : index.manifests) {
    if (oci::IsManifestMediaType(entry.media_type)) {
      if (entry.platform && !oci::RunsOnHost(*entry.platform)) continue;
      found.push_back({entry, entry.annotations});
    } else if (oci::IsIndexMediaType(entry.media_type)) {
      if (depth >= 4) return Fail("image indexes nested too deeply");
      ZL_ASSIGN_OR_RETURN(std::string text, blobs.Read(entry));
      ZL_ASSIGN_OR_RETURN(oci::Index nested, oci::ParseIndex(text));
      ZL_ASSIGN_OR_RETURN(std::vector<LayoutImage> inner,
                          Candidates(blobs, nested, depth + 1));
      if (inner.empty()) continue;
      found.push_back({inner.front().manifest, entry.annotations});
    }
  }
  return found;
}

Status CheckLayer(const store::BlobStore& store_blobs, size_t i,
                  const oci::Descriptor& layer, const base::Digest& diff_id) {
  ZL_ASSIGN_OR_RETURN(oci::LayerKind kind,
                      oci::ParseLayerMediaType(layer.media_type));
  if (kind.foreign) {
    return Fail("layer " + std::to_string(i) + " " + layer.digest.ToString() +
                    ": foreign layers are not supported",
                ErrorKind::kUnsupported);
  }
  ZL_ASSIGN_OR_RETURN(base::Digest actual,
                      LayerDiffId(store_blobs.BlobPath(layer.digest)));
  if (actual != diff_id) {
    return Fail("layer " + std::to_string(i) + " " + layer.digest.ToString() +
                    ": its content has diff_id " + actual.ToString() +
                    " but the config says " + diff_id.ToString(),
                ErrorKind::kInvalid);
  }
  return Ok();
}

}  // namespace

Result<std::string> LayoutBlobs::PathOf(
    const oci::Descriptor& descriptor) const {
  std::string path = dir_ + "/blobs/" +
                     std::string(descriptor.digest.algorithm()) + "/" +
                     std::string(descriptor.digest.hex());
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return Fail("blob " + descriptor.digest.ToString() +
                      " is missing from the layout",
                  ErrorKind::kInvalid);
    }
    return FailErrno("stat " + path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return Fail("blob " + descriptor.digest.ToString() +
                    " is not a regular file in the layout",
                ErrorKind::kInvalid);
  }
  if (st.st_size != descriptor.size) {
    return Fail("blob " + descriptor.digest.ToString() + " has " +
                    std::to_string(st.st_size) +
                    " bytes, its descriptor "
                    "says " +
                    std::to_string(descriptor.size),
                ErrorKind::kInvalid);
  }
  return path;
}

Result<std::string> LayoutBlobs::Read(const oci::Descriptor& descriptor) const {
  if (descriptor.size > kMaxDocumentSize) {
    return Fail("blob " + descriptor.digest.ToString() + " is too large (" +
                    std::to_string(descriptor.size) + " bytes) for a " +
                    descriptor.media_type,
                ErrorKind::kInvalid);
  }
  ZL_ASSIGN_OR_RETURN(std::string path, PathOf(descriptor));
  ZL_ASSIGN_OR_RETURN(std::string content, base::ReadFile(path));
  if (base::Digest::Of(content) != descriptor.digest) {
    return Fail(
        "blob " + descriptor.digest.ToString() + " does not match its digest",
        ErrorKind::kInvalid);
  }
  return content;
}

Result<LayoutImage> SelectLayoutImage(const LayoutBlobs& blobs,
                                      const oci::Index& index) {
  ZL_ASSIGN_OR_RETURN(std::vector<LayoutImage> found,
                      Candidates(blobs, index, 0));
  if (found.empty()) {
    return Fail("no image for " + oci::PlatformString(oci::HostPlatform()) +
                    " in " + blobs.dir(),
                ErrorKind::kNotFound);
  }
  if (found.size() > 1) {
    return Fail(blobs.dir() + " holds " + std::to_string(found.size()) +
                    " images; import takes a layout with one image",
                ErrorKind::kUnsupported);
  }
  return found.front();
}

std::string NameFromAnnotations(
    const std::map<std::string, std::string>& annotations) {
  auto it = annotations.find(std::string(kContainerdNameAnnotation));
  if (it != annotations.end() && !it->second.empty()) return it->second;
  it = annotations.find(std::string(oci::kRefNameAnnotation));
  // A bare tag ("v1") names no repository, so it cannot name the image.
  if (it != annotations.end() && it->second.find(':') != std::string::npos) {
    return it->second;
  }
  return "";
}

Result<store::ImageRecord> ImportManifest(
    store::Store& store, const store::Lease& lease, const LayoutBlobs& blobs,
    const oci::Descriptor& manifest_descriptor,
    const std::vector<std::string>& names) {
  ZL_ASSIGN_OR_RETURN(std::string manifest_text,
                      blobs.Read(manifest_descriptor));
  ZL_ASSIGN_OR_RETURN(oci::Manifest manifest,
                      oci::ParseManifest(manifest_text));
  ZL_ASSIGN_OR_RETURN(std::string config_text, blobs.Read(manifest.config));
  ZL_ASSIGN_OR_RETURN(oci::ImageConfig config,
                      oci::ParseImageConfig(config_text));
  if (config.rootfs.diff_ids.size() != manifest.layers.size()) {
    return Fail("manifest " + manifest_descriptor.digest.ToString() + " has " +
                    std::to_string(manifest.layers.size()) +
                    " layers but its config lists " +
                    std::to_string(config.rootfs.diff_ids.size()) + " diff_ids",
                ErrorKind::kInvalid);
  }
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    const oci::Descriptor& layer = manifest.layers[i];
    std::string what = "layer " + std::to_string(i);
    ZL_ASSIGN_OR_RETURN(std::string path, blobs.PathOf(layer));
    ZL_RETURN_IF_ERROR(CopyFileToStore(store.blobs(), lease, path, layer.digest,
                                       layer.size, what));
    ZL_RETURN_IF_ERROR(
        CheckLayer(store.blobs(), i, layer, config.rootfs.diff_ids[i]));
  }
  return store.PutImage(manifest_text, config_text, names);
}

Result<store::ImageRecord> ImportOciLayout(store::Store& store,
                                           const store::Lease& lease,
                                           const std::string& dir,
                                           const std::string& name) {
  ZL_RETURN_IF_ERROR(CheckLayoutMarker(dir));
  LayoutBlobs blobs(dir);
  ZL_ASSIGN_OR_RETURN(std::string index_text,
                      base::ReadFile(dir + "/index.json"));
  ZL_ASSIGN_OR_RETURN(oci::Index index, WithContext(oci::ParseIndex(index_text),
                                                    dir + "/index.json"));
  ZL_ASSIGN_OR_RETURN(LayoutImage image, SelectLayoutImage(blobs, index));
  std::vector<std::string> names;
  std::string chosen =
      name.empty() ? NameFromAnnotations(image.annotations) : name;
  if (!chosen.empty()) names.push_back(chosen);
  return ImportManifest(store, lease, blobs, image.manifest, names);
}

}  // namespace zlayer::imageio
