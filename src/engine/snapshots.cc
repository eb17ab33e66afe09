#include "engine/snapshots.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <set>

#include "base/temp_dir.h"
#include "extract/extract.h"

namespace zlayer::engine {
namespace {

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::vector<LayerRef> LayersOf(const store::ImageRecord& image) {
  std::vector<LayerRef> layers;
  for (const store::LayerRecord& layer : image.layers) {
    layers.push_back(LayerRef{.diff_id = layer.diff_id,
                              .blob = layer.digest,
                              .media_type = layer.media_type,
                              .size = layer.size});
  }
  return layers;
}

std::mutex& Snapshots::LockFor(const base::Digest& diff_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = locks_[std::string(diff_id.hex())];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

Result<std::string> Snapshots::Ensure(const LayerRef& layer) {
  std::string dir = store_.SnapshotDir(layer.diff_id);
  if (IsDir(dir)) return dir;
  // Threads of this process wait for one unpacker; other processes race
  // harmlessly through the rename below.
  std::lock_guard<std::mutex> lock(LockFor(layer.diff_id));
  if (IsDir(dir)) return dir;
  std::string parent = std::filesystem::path(dir).parent_path().string();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Fail("create " + parent + ": " + ec.message(), ErrorKind::kIo);
  }
  std::string temp = parent + "/tmp-" +
                     std::string(layer.diff_id.hex().substr(0, 16)) + "-" +
                     std::to_string(::getpid());
  ZL_RETURN_IF_ERROR(base::RemoveTree(temp));
  if (::mkdir(temp.c_str(), 0755) != 0) {
    return FailErrno("mkdir " + temp, errno);
  }
  extract::ExtractOptions options;
  options.overlay_whiteouts = true;
  auto applied = extract::ApplyLayer(
      extract::LayerSource::Path(store_.blobs().BlobPath(layer.blob)), temp,
      options);
  if (!applied) {
    (void)base::RemoveTree(temp);
    applied.error().AddContext("unpack layer " + layer.blob.ToString());
    return std::unexpected(std::move(applied).error());
  }
  if (applied->diff_id != layer.diff_id) {
    (void)base::RemoveTree(temp);
    return Fail("layer " + layer.blob.ToString() + " has diff_id " +
                    applied->diff_id.ToString() + ", the image says " +
                    layer.diff_id.ToString(),
                ErrorKind::kInvalid);
  }
  if (::rename(temp.c_str(), dir.c_str()) != 0) {
    int err = errno;
    (void)base::RemoveTree(temp);
    if ((err != EEXIST && err != ENOTEMPTY) || !IsDir(dir)) {
      return FailErrno("rename " + temp + " to " + dir, err);
    }
  }
  return dir;
}

Result<std::vector<std::string>> Snapshots::Lowers(
    const std::vector<LayerRef>& layers) {
  // overlayfs refuses a directory listed twice (ELOOP), yet images repeat
  // diff_ids (an empty layer per commit, as buildah makes them). Applying
  // a layer again on top supersedes its earlier application entirely, so
  // only the top-most occurrence is kept.
  std::vector<std::string> lowers;
  lowers.reserve(layers.size());
  std::set<std::string> seen;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    if (!seen.insert(it->diff_id.ToString()).second) continue;
    ZL_ASSIGN_OR_RETURN(std::string dir, Ensure(*it));
    lowers.push_back(std::move(dir));
  }
  return lowers;
}

Status Snapshots::Adopt(const std::string& dir, const base::Digest& diff_id) {
  std::string target = store_.SnapshotDir(diff_id);
  std::lock_guard<std::mutex> lock(LockFor(diff_id));
  if (IsDir(target)) return base::RemoveTree(dir);
  std::error_code ec;
  std::filesystem::create_directories(
      std::filesystem::path(target).parent_path(), ec);
  if (::rename(dir.c_str(), target.c_str()) != 0) {
    int err = errno;
    if ((err == EEXIST || err == ENOTEMPTY) && IsDir(target)) {
      return base::RemoveTree(dir);
    }
    return FailErrno("rename " + dir + " to " + target, err);
  }
  return Ok();
}

}  // namespace zlayer::engine
