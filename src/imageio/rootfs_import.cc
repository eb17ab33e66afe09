#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "imageio/blob_copy.h"
#include "imageio/tree_import.h"
#include "layer/change_set.h"
#include "layer/layer_writer.h"
#include "oci/image_config.h"
#include "oci/manifest.h"
#include "oci/platform.h"
#include "oci/timestamp.h"

namespace zlayer::imageio {
namespace {

// SOURCE_DATE_EPOCH when set and valid, so that importing the same tarball
// twice gives the same image id; otherwise now.
Result<std::optional<int64_t>> SourceDateEpoch() {
  const char* text = std::getenv("SOURCE_DATE_EPOCH");
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value < 0) {
    return Fail(std::string("SOURCE_DATE_EPOCH: not a number of seconds: \"") +
                    text + "\"",
                ErrorKind::kUsage);
  }
  return static_cast<int64_t>(value);
}

std::string Created(const std::optional<int64_t>& epoch) {
  auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now());
  if (epoch) {
    now = oci::Timestamp(std::chrono::seconds(*epoch));
  } else {
    now = std::chrono::time_point_cast<std::chrono::seconds>(now);
  }
  return oci::FormatTimestamp(now);
}

oci::ImageConfig RootfsConfig(const base::Digest& diff_id,
                              const std::string& created,
                              const std::string& source) {
  oci::Platform host = oci::HostPlatform();
  oci::ImageConfig config;
  config.created = created;
  config.architecture = host.architecture;
  config.os = host.os;
  config.variant = host.variant;
  config.rootfs.diff_ids = {diff_id};
  oci::HistoryEntry history;
  history.created = created;
  history.created_by =
      "zlayer import " + std::filesystem::path(source).filename().string();
  history.comment = "imported from a root filesystem tarball";
  config.history = {history};
  return config;
}

}  // namespace

Result<store::ImageRecord> ImportRootfsTree(store::Store& store,
                                            const store::Lease& lease,
                                            const std::string& dir,
                                            const std::string& source,
                                            const std::string& name) {
  ZL_ASSIGN_OR_RETURN(std::optional<int64_t> epoch, SourceDateEpoch());
  ZL_ASSIGN_OR_RETURN(store::BlobWriter writer, store.blobs().NewWriter(lease));
  layer::ChangeSet changes{.root = dir, .kind = layer::SourceKind::kDirectory};
  layer::LayerOptions options;
  options.source_date_epoch = epoch;
  ZL_ASSIGN_OR_RETURN(
      layer::LayerResult written,
      layer::WriteLayer(changes, options, BlobWriterSink(writer)));
  ZL_RETURN_IF_ERROR(writer.Commit(written.digest));
  std::string config_text = oci::SerializeImageConfig(
      RootfsConfig(written.diff_id, Created(epoch), source));
  oci::Descriptor layer{.media_type = written.media_type,
                        .digest = written.digest,
                        .size = static_cast<int64_t>(written.compressed_size)};
  oci::Manifest manifest = oci::MakeManifest(
      oci::Format::kOci, oci::DescribeContent(oci::kOciConfig, config_text),
      {layer});
  std::vector<std::string> names;
  if (!name.empty()) names.push_back(name);
  return store.PutImage(oci::SerializeManifest(manifest), config_text, names);
}

}  // namespace zlayer::imageio
