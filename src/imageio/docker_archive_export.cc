#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>

#include "base/file_io.h"
#include "base/unique_fd.h"
#include "imageio/blob_copy.h"
#include "imageio/export.h"

namespace zlayer::imageio {
namespace {

// Decompresses a layer blob into `dest`, checking it against its diff_id
// on the way: the store verified the compressed bytes, not what they
// decompress to.
Status WriteUncompressedLayer(const store::Store& store,
                              const store::LayerRecord& layer,
                              const std::string& dest) {
  base::UniqueFd out(
      ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!out) return FailErrno("create " + dest, errno);
  base::Sha256 hash;
  ZL_RETURN_IF_ERROR(DecompressFile(
      store.blobs().BlobPath(layer.digest), [&](std::string_view chunk) {
        hash.Update(chunk);
        return base::WriteAll(out.get(), chunk, dest);
      }));
  base::Digest diff_id = base::Digest::FromBytes(hash.Finish());
  if (diff_id != layer.diff_id) {
    return Fail("layer " + layer.digest.ToString() + " decompresses to " +
                    diff_id.ToString() + ", not its diff_id " +
                    layer.diff_id.ToString(),
                ErrorKind::kInvalid);
  }
  return out.Close(dest);
}

std::string ManifestJson(const std::string& config_name,
                         const std::vector<std::string>& layer_names,
                         const std::string& name) {
  nlohmann::ordered_json entry;
  entry["Config"] = config_name;
  entry["RepoTags"] = name.empty() ? nlohmann::ordered_json(nullptr)
                                   : nlohmann::ordered_json::array({name});
  entry["Layers"] = layer_names;
  return nlohmann::ordered_json::array({entry}).dump();
}

// The legacy `repositories` file: repository -> tag -> top layer id.
std::string RepositoriesJson(const std::string& name,
                             const std::string& top_layer) {
  nlohmann::ordered_json repositories = nlohmann::ordered_json::object();
  if (!name.empty()) {
    size_t colon = name.rfind(':');
    repositories[name.substr(0, colon)][name.substr(colon + 1)] = top_layer;
  }
  return repositories.dump();
}

}  // namespace

Result<std::vector<ExportFile>> DockerArchiveFiles(
    const store::Store& store, const store::ImageRecord& image,
    const std::string& name, const std::string& scratch_dir) {
  std::vector<ExportFile> files;
  std::vector<std::string> layer_names;
  std::set<base::Digest> written;
  for (const store::LayerRecord& layer : image.layers) {
    std::string file_name = std::string(layer.diff_id.hex()) + ".tar";
    layer_names.push_back(file_name);
    if (!written.insert(layer.diff_id).second) continue;
    std::string temp = scratch_dir + "/" + file_name;
    ZL_RETURN_IF_ERROR(WriteUncompressedLayer(store, layer, temp));
    files.push_back({.name = file_name, .source = temp});
  }
  std::string config_name = std::string(image.id.hex()) + ".json";
  files.push_back(
      {.name = config_name, .source = store.blobs().BlobPath(image.id)});
  files.push_back({.name = "manifest.json",
                   .content = ManifestJson(config_name, layer_names, name)});
  std::string top = image.layers.empty()
                        ? std::string(image.id.hex())
                        : std::string(image.layers.back().diff_id.hex());
  files.push_back(
      {.name = "repositories", .content = RepositoriesJson(name, top)});
  return files;
}

}  // namespace zlayer::imageio
