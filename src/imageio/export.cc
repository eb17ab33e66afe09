#include "imageio/export.h"

#include <algorithm>
#include <set>

#include "base/temp_dir.h"
#include "oci/index.h"
#include "store/image_name.h"

namespace zlayer::imageio {
namespace {

constexpr std::string_view kContainerdNameAnnotation =
    "io.containerd.image.name";

// "registry:5000/app:v1" -> "v1".
std::string TagOf(const std::string& name) {
  size_t colon = name.rfind(':');
  size_t slash = name.rfind('/');
  if (colon == std::string::npos ||
      (slash != std::string::npos && colon < slash)) {
    return "latest";
  }
  return name.substr(colon + 1);
}

std::string IndexJson(const store::ImageRecord& image,
                      const std::string& name) {
  oci::Index index = oci::MakeIndex(oci::Format::kOci);
  oci::Descriptor entry;
  entry.media_type = image.manifest_media_type;
  entry.digest = image.manifest_digest;
  entry.size = image.manifest_size;
  if (!name.empty()) {
    entry.annotations[std::string(oci::kRefNameAnnotation)] = TagOf(name);
    entry.annotations[std::string(kContainerdNameAnnotation)] = name;
  }
  index.manifests.push_back(std::move(entry));
  return oci::SerializeIndex(index);
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view text) {
  if (text == "oci") return ExportFormat::kOciLayout;
  if (text == "oci-archive") return ExportFormat::kOciArchive;
  if (text == "docker-archive") return ExportFormat::kDockerArchive;
  return Fail("unknown export format \"" + std::string(text) +
                  "\" (want oci, oci-archive or docker-archive)",
              ErrorKind::kUsage);
}

std::string ExportName(std::string_view ref, const store::ImageRecord& image) {
  if (auto name = store::NormalizeTagName(ref)) {
    if (std::find(image.tags.begin(), image.tags.end(), *name) !=
        image.tags.end()) {
      return *name;
    }
  }
  return image.tags.empty() ? "" : image.tags.front();
}

Result<std::vector<ExportFile>> OciLayoutFiles(const store::Store& store,
                                               const store::ImageRecord& image,
                                               const std::string& name) {
  std::vector<ExportFile> files;
  files.push_back(
      {.name = "oci-layout", .content = R"({"imageLayoutVersion":"1.0.0"})"});
  files.push_back({.name = "index.json", .content = IndexJson(image, name)});
  files.push_back({.name = "blobs", .directory = true});
  files.push_back({.name = "blobs/sha256", .directory = true});
  std::set<base::Digest> blobs = {image.manifest_digest, image.id};
  for (const store::LayerRecord& layer : image.layers) {
    blobs.insert(layer.digest);
  }
  for (const base::Digest& digest : blobs) {
    ZL_RETURN_IF_ERROR(store.blobs().Size(digest));
    files.push_back({.name = "blobs/sha256/" + std::string(digest.hex()),
                     .source = store.blobs().BlobPath(digest)});
  }
  return files;
}

Status ExportImage(store::Store& store, std::string_view ref,
                   ExportFormat format, const std::string& path) {
  // Held while the blobs are read, so that a concurrent `rmi` and garbage
  // collection cannot pull them away mid-export.
  ZL_ASSIGN_OR_RETURN(store::Lease lease, store.AcquireLease());
  ZL_ASSIGN_OR_RETURN(store::ImageRecord image, store.GetImage(ref));
  std::string name = ExportName(ref, image);
  switch (format) {
    case ExportFormat::kOciLayout: {
      ZL_ASSIGN_OR_RETURN(std::vector<ExportFile> files,
                          OciLayoutFiles(store, image, name));
      return WriteExportDirectory(files, path);
    }
    case ExportFormat::kOciArchive: {
      ZL_ASSIGN_OR_RETURN(std::vector<ExportFile> files,
                          OciLayoutFiles(store, image, name));
      return WriteExportArchive(files, path);
    }
    case ExportFormat::kDockerArchive: {
      ZL_ASSIGN_OR_RETURN(
          base::TempDir scratch,
          base::TempDir::Create(store.root() + "/tmp", "export-"));
      ZL_ASSIGN_OR_RETURN(
          std::vector<ExportFile> files,
          DockerArchiveFiles(store, image, name, scratch.path()));
      return WriteExportArchive(files, path);
    }
  }
  return Fail("unknown export format");
}

}  // namespace zlayer::imageio
