#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "base/file_io.h"
#include "imageio/blob_copy.h"
#include "imageio/tree_import.h"
#include "oci/image_config.h"
#include "oci/manifest.h"

namespace zlayer::imageio {
namespace {

constexpr uint64_t kMaxConfigSize = 16 << 20;

struct DockerArchiveEntry {
  std::string config;
  std::vector<std::string> repo_tags;
  std::vector<std::string> layers;
};

// `relative` (from manifest.json) as a path inside `dir`: no absolute
// names, and after resolving symlinks still inside the tree, a regular file.
Result<std::string> InsideTree(const std::string& dir,
                               const std::string& relative) {
  if (relative.empty() || relative.front() == '/') {
    return Fail("manifest.json names \"" + relative +
                    "\", which is not a relative path",
                ErrorKind::kInvalid);
  }
  for (const auto& part : std::filesystem::path(relative)) {
    if (part == "..") {
      return Fail("manifest.json names \"" + relative +
                      "\", which climbs out of the archive with \"..\"",
                  ErrorKind::kInvalid);
    }
  }
  char resolved_root[PATH_MAX];
  char resolved[PATH_MAX];
  std::string path = dir + "/" + relative;
  if (::realpath(dir.c_str(), resolved_root) == nullptr) {
    return FailErrno("resolve " + dir, errno);
  }
  if (::realpath(path.c_str(), resolved) == nullptr) {
    return Fail(
        "manifest.json names \"" + relative + "\", which is not in the archive",
        ErrorKind::kInvalid);
  }
  std::string root = std::string(resolved_root) + "/";
  struct stat st;
  if (std::string(resolved).rfind(root, 0) != 0 || ::stat(resolved, &st) != 0 ||
      !S_ISREG(st.st_mode)) {
    return Fail("manifest.json names \"" + relative +
                    "\", which is not a file inside the archive",
                ErrorKind::kInvalid);
  }
  return std::string(resolved);
}

Result<std::vector<std::string>> StringArray(const nlohmann::json& value,
                                             const std::string& key) {
  std::vector<std::string> out;
  if (!value.contains(key) || value[key].is_null()) return out;
  if (!value[key].is_array()) {
    return Fail("manifest.json: " + key + " must be an array",
                ErrorKind::kInvalid);
  }
  for (const nlohmann::json& item : value[key]) {
    if (!item.is_string()) {
      return Fail("manifest.json: " + key + " must hold strings",
                  ErrorKind::kInvalid);
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<DockerArchiveEntry> ReadArchiveManifest(const std::string& dir) {
  ZL_ASSIGN_OR_RETURN(std::string text, base::ReadFile(dir + "/manifest.json"));
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_array()) {
    return Fail("manifest.json is not a JSON array", ErrorKind::kInvalid);
  }
  if (json.size() != 1) {
    return Fail("the archive holds " + std::to_string(json.size()) +
                    " images; import takes an archive with one image",
                ErrorKind::kUnsupported);
  }
  const nlohmann::json& item = json[0];
  if (!item.is_object() || !item.contains("Config") ||
      !item["Config"].is_string()) {
    return Fail("manifest.json: Config is missing", ErrorKind::kInvalid);
  }
  DockerArchiveEntry entry;
  entry.config = item["Config"].get<std::string>();
  ZL_ASSIGN_OR_RETURN(entry.repo_tags, StringArray(item, "RepoTags"));
  ZL_ASSIGN_OR_RETURN(entry.layers, StringArray(item, "Layers"));
  return entry;
}

}  // namespace

bool IsDockerArchiveTree(const std::string& dir) {
  auto text = base::ReadFile(dir + "/manifest.json");
  if (!text) return false;
  return nlohmann::json::parse(*text, nullptr, false).is_array();
}

Result<store::ImageRecord> ImportDockerArchiveTree(store::Store& store,
                                                   const store::Lease& lease,
                                                   const std::string& dir,
                                                   const std::string& name) {
  ZL_ASSIGN_OR_RETURN(DockerArchiveEntry entry, ReadArchiveManifest(dir));
  ZL_ASSIGN_OR_RETURN(std::string config_path, InsideTree(dir, entry.config));
  struct stat st;
  if (::stat(config_path.c_str(), &st) != 0 ||
      static_cast<uint64_t>(st.st_size) > kMaxConfigSize) {
    return Fail("config " + entry.config + " is too large",
                ErrorKind::kInvalid);
  }
  ZL_ASSIGN_OR_RETURN(std::string config_text, base::ReadFile(config_path));
  ZL_ASSIGN_OR_RETURN(
      oci::ImageConfig config,
      WithContext(oci::ParseImageConfig(config_text), entry.config));
  if (config.rootfs.diff_ids.size() != entry.layers.size()) {
    return Fail("manifest.json lists " + std::to_string(entry.layers.size()) +
                    " layers but the config has " +
                    std::to_string(config.rootfs.diff_ids.size()) + " diff_ids",
                ErrorKind::kInvalid);
  }
  std::vector<oci::Descriptor> layers;
  for (size_t i = 0; i < entry.layers.size(); ++i) {
    ZL_ASSIGN_OR_RETURN(std::string path, InsideTree(dir, entry.layers[i]));
    ZL_ASSIGN_OR_RETURN(layer::LayerResult stored,
                        WithContext(StoreTarAsGzip(store.blobs(), lease, path),
                                    "layer " + entry.layers[i]));
    if (stored.diff_id != config.rootfs.diff_ids[i]) {
      return Fail("layer " + entry.layers[i] + " has diff_id " +
                      stored.diff_id.ToString() + " but the config says " +
                      config.rootfs.diff_ids[i].ToString(),
                  ErrorKind::kInvalid);
    }
    layers.push_back({.media_type = stored.media_type,
                      .digest = stored.digest,
                      .size = static_cast<int64_t>(stored.compressed_size)});
  }
  oci::Manifest manifest = oci::MakeManifest(
      oci::Format::kOci, oci::DescribeContent(oci::kOciConfig, config_text),
      std::move(layers));
  std::vector<std::string> names = entry.repo_tags;
  if (!name.empty()) names = {name};
  return store.PutImage(oci::SerializeManifest(manifest), config_text, names);
}

}  // namespace zlayer::imageio
