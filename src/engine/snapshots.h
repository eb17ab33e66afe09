// Layers unpacked once per diff_id into ROOT/snapshots/<hex> as overlayfs
// lower directories, shared by every build that uses them.
#ifndef ZLAYER_ENGINE_SNAPSHOTS_H_
#define ZLAYER_ENGINE_SNAPSHOTS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::engine {

// One layer of a filesystem state: the compressed blob in the store and
// the uncompressed digest its snapshot is named by.
struct LayerRef {
  base::Digest diff_id;
  base::Digest blob;
  std::string media_type;
  int64_t size = 0;

  bool operator==(const LayerRef&) const = default;
};

// The layers of a stored image, base first.
std::vector<LayerRef> LayersOf(const store::ImageRecord& image);

class Snapshots {
 public:
  explicit Snapshots(store::Store& store) : store_(store) {}

  // The snapshot directory of `layer`, unpacking its blob first when it is
  // missing. Safe to call from several threads and processes: unpacking
  // goes to a temporary directory renamed into place.
  Result<std::string> Ensure(const LayerRef& layer);

  // Snapshot directories for `layers` (base first), top-most first: the
  // order overlayfs wants its lowerdir list in.
  Result<std::vector<std::string>> Lowers(const std::vector<LayerRef>& layers);

  // Makes `dir` (an overlay upper directory or a tree written on the
  // store's filesystem) the snapshot of `diff_id`; if one exists already,
  // `dir` is deleted instead.
  Status Adopt(const std::string& dir, const base::Digest& diff_id);

 private:
  std::mutex& LockFor(const base::Digest& diff_id);

  store::Store& store_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::mutex>> locks_;
};

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_SNAPSHOTS_H_
