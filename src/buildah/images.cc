#include "buildah/images.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "imageio/export_files.h"
#include "imageio/import.h"
#include "oci/descriptor.h"
#include "oci/image_config.h"
#include "oci/index.h"
#include "oci/manifest.h"

namespace zlayer::buildah {
namespace {

constexpr char kLayoutMarker[] = R"({"imageLayoutVersion":"1.0.0"})";

std::string IndexFor(const std::string& manifest_text,
                     const std::string& media_type) {
  oci::Index index = oci::MakeIndex(oci::Format::kOci);
  index.manifests.push_back(oci::DescribeContent(media_type, manifest_text));
  return oci::SerializeIndex(index);
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

}  // namespace

Result<BuildahBaseDocuments> BaseDocuments(const std::string& manifest,
                                           const std::string& config) {
  ZL_ASSIGN_OR_RETURN(oci::ImageConfig parsed, oci::ParseImageConfig(config));
  if (parsed.config.on_build.empty()) {
    return BuildahBaseDocuments{.manifest = manifest, .config = config};
  }
  parsed.config.on_build.clear();
  std::string stripped = oci::SerializeImageConfig(parsed);
  ZL_ASSIGN_OR_RETURN(oci::Manifest document, oci::ParseManifest(manifest));
  document.config = oci::DescribeContent(document.config.media_type, stripped);
  return BuildahBaseDocuments{.manifest = oci::SerializeManifest(document),
                              .config = std::move(stripped)};
}

Result<std::string> BaseImages::Ensure(const std::string& image_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = known_.find(image_id); it != known_.end()) return it->second;

  ZL_ASSIGN_OR_RETURN(store::ImageRecord image, store_.GetImage(image_id));
  ZL_ASSIGN_OR_RETURN(std::string manifest,
                      store_.blobs().Read(image.manifest_digest));
  ZL_ASSIGN_OR_RETURN(std::string config, store_.blobs().Read(image.id));
  ZL_ASSIGN_OR_RETURN(BuildahBaseDocuments documents,
                      BaseDocuments(manifest, config));
  std::string buildah_id(base::Digest::Of(documents.config).hex());
  if (cli_.Quietly({"inspect", "--type", "image", buildah_id})) {
    known_[image_id] = buildah_id;
    return buildah_id;
  }

  // A relative layout path names the pulled image after it.
  std::string name = "zlayer-base-" + std::string(image.id.hex());
  std::string layout = work_dir_ + "/" + name;
  ZL_ASSIGN_OR_RETURN(oci::Manifest parsed,
                      oci::ParseManifest(documents.manifest));
  std::string media_type = parsed.media_type.empty()
                               ? std::string(oci::kOciManifest)
                               : parsed.media_type;
  std::vector<imageio::ExportFile> files = {
      {.name = "oci-layout", .content = kLayoutMarker},
      {.name = "index.json",
       .content = IndexFor(documents.manifest, media_type)},
      {.name = "blobs", .directory = true},
      {.name = "blobs/sha256", .directory = true},
      {.name = "blobs/sha256/" +
               std::string(base::Digest::Of(documents.manifest).hex()),
       .content = documents.manifest},
      {.name = "blobs/sha256/" + buildah_id, .content = documents.config}};
  for (const store::LayerRecord& layer : image.layers) {
    std::string blob = "blobs/sha256/" + std::string(layer.digest.hex());
    bool listed = false;
    for (const imageio::ExportFile& file : files) listed |= file.name == blob;
    if (listed) continue;
    files.push_back(
        {.name = blob, .source = store_.blobs().BlobPath(layer.digest)});
  }
  ZL_RETURN_IF_ERROR(imageio::WriteExportDirectory(files, layout));
  Result<std::string> pulled =
      cli_.Output({"pull", "--quiet", "oci:" + name}, work_dir_);
  (void)base::RemoveTree(layout);
  if (!pulled) {
    return std::unexpected(
        Error(pulled.error())
            .AddContext("copy base image " + image_id + " to buildah"));
  }
  std::string id = Trimmed(*pulled);
  if (id != buildah_id) {
    return Fail("copy base image " + image_id + " to buildah: buildah says " +
                id + ", expected " + buildah_id);
  }
  known_[image_id] = buildah_id;
  return buildah_id;
}

Status DirToLayout(const std::string& dir) {
  ZL_ASSIGN_OR_RETURN(std::string manifest,
                      base::ReadFile(dir + "/manifest.json"));
  ZL_ASSIGN_OR_RETURN(oci::Manifest parsed, oci::ParseManifest(manifest));
  std::string blobs = dir + "/blobs/sha256";
  std::error_code ec;
  std::filesystem::create_directories(blobs, ec);
  if (ec) {
    return Fail("create " + blobs + ": " + ec.message(), ErrorKind::kIo);
  }
  std::vector<oci::Descriptor> needed = parsed.layers;
  needed.push_back(parsed.config);
  for (const oci::Descriptor& blob : needed) {
    std::string hex(blob.digest.hex());
    std::string from = dir + "/" + hex;
    std::string to = blobs + "/" + hex;
    if (std::filesystem::exists(to, ec)) continue;
    if (std::rename(from.c_str(), to.c_str()) != 0) {
      return FailErrno("move " + from, errno);
    }
  }
  ZL_RETURN_IF_ERROR(base::WriteFileAtomic(
      blobs + "/" + std::string(base::Digest::Of(manifest).hex()), manifest));
  std::string media_type = parsed.media_type.empty()
                               ? std::string(oci::kOciManifest)
                               : parsed.media_type;
  ZL_RETURN_IF_ERROR(base::WriteFileAtomic(dir + "/index.json",
                                           IndexFor(manifest, media_type)));
  return base::WriteFileAtomic(dir + "/oci-layout", kLayoutMarker);
}

Result<store::ImageRecord> ImportBuiltImage(
    const Cli& cli, store::Store& store, const std::string& buildah_id,
    oci::Compression compression, const std::vector<std::string>& tags,
    const std::string& work_dir) {
  std::string dir = work_dir + "/built-image";
  std::vector<std::string> push = {"push", "--quiet"};
  switch (compression) {
    case oci::Compression::kGzip:
      break;
    case oci::Compression::kZstd:
      push.insert(push.end(), {"--compression-format", "zstd"});
      break;
    case oci::Compression::kNone:
      push.push_back("--disable-compression");
      break;
  }
  push.insert(push.end(), {buildah_id, "dir:" + dir});
  ZL_RETURN_IF_ERROR(WithContext(cli.Output(push), "copy the image to zlayer"));
  Status converted = DirToLayout(dir);
  Result<store::ImageRecord> imported =
      converted
          ? imageio::ImportImage(store, dir,
                                 imageio::ImportOptions{
                                     .name = tags.empty() ? "" : tags.front()})
          : Result<store::ImageRecord>(
                std::unexpected(std::move(converted).error()));
  (void)base::RemoveTree(dir);
  if (!imported) {
    return std::unexpected(
        Error(imported.error()).AddContext("copy the image to zlayer"));
  }
  for (size_t i = 1; i < tags.size(); ++i) {
    ZL_RETURN_IF_ERROR(store.Tag(imported->id.ToString(), tags[i]));
  }
  return store.GetImage(imported->id.ToString());
}

}  // namespace zlayer::buildah
