// The SQL side of the store: images, their layers, tags and blob pins in
// ROOT/index.db (schema.cc). Every change that touches more than one row is
// one IMMEDIATE transaction, so a crash or a concurrent process sees either
// all of it or none. The index knows nothing of blob files; the Store makes
// sure blobs exist before rows point at them.
#ifndef ZLAYER_STORE_IMAGE_INDEX_H_
#define ZLAYER_STORE_IMAGE_INDEX_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/sha256.h"
#include "oci/media_types.h"
#include "store/sqlite.h"
#include "zlayer/result.h"

namespace zlayer::store {

struct LayerRecord {
  base::Digest digest;     // the compressed blob
  base::Digest diff_id;    // the uncompressed tar
  int64_t size = 0;        // of the blob
  std::string media_type;  // as the image's manifest names it

  bool operator==(const LayerRecord&) const = default;
};

struct ImageRecord {
  base::Digest id;  // the config digest
  base::Digest manifest_digest;
  std::string manifest_media_type;
  int64_t manifest_size = 0;
  int64_t config_size = 0;
  std::string created;     // the config's RFC 3339 "created", may be empty
  int64_t stored_at = 0;   // unix seconds when the image was first stored
  int64_t total_size = 0;  // manifest + config + layer blobs, never 0
  std::vector<LayerRecord> layers;  // base layer first
  std::vector<std::string> tags;    // sorted

  oci::Format format() const {
    return manifest_media_type == oci::kDockerManifest ? oci::Format::kDocker
                                                       : oci::Format::kOci;
  }
};

// Where a pulled image came from (schema v3: image_origins).
struct ImageOrigin {
  std::string name;       // the local name, normalized ("app:latest")
  base::Digest image_id;  // the image `name` named when it was pulled
  std::string reference;  // fully qualified, as pulled
  // What the registry served for the reference: the index's digest when it
  // served an index, else the manifest's.
  base::Digest served_digest;
  int64_t pulled_at = 0;  // unix seconds

  bool operator==(const ImageOrigin&) const = default;
};

// A manifest list `zlayer manifest` edits (schema v3: manifest_lists). Its
// body is a blob pinned as ("manifest-list", name).
struct ManifestListRecord {
  std::string name;        // normalized ("list:latest")
  base::Digest digest;     // of the body
  std::string media_type;  // kOciIndex or kDockerManifestList
  int64_t updated = 0;     // unix seconds of the last change

  bool operator==(const ManifestListRecord&) const = default;
};

struct CacheEntry;  // store.h

// What ImageIndex::PruneCache removes: entries last used before
// `used_before` (0: none by age), then the least recently used ones until
// the layer blobs only the cache holds take at most `keep_bytes`
// (nullopt: no size target); `all` removes every entry.
struct CachePrunePlan {
  int64_t used_before = 0;
  std::optional<uint64_t> keep_bytes;
  bool all = false;
};

struct CacheTotals {
  int64_t entries = 0;
  uint64_t layer_bytes = 0;  // distinct blobs that only cache entries pin
};

// What a removal did, for `rmi` to print ("Untagged: ...", "Deleted: ...").
struct Removal {
  std::vector<std::string> untagged;
  std::optional<base::Digest> deleted;  // the image id, when its row went
};

class ImageIndex {
 public:
  // Opens ROOT/index.db (creating and migrating it).
  static Result<std::unique_ptr<ImageIndex>> Open(const std::string& path);

  // Inserts `image` with its layers, or replaces the manifest and layers of
  // an image with the same id (the same config, compressed differently),
  // keeping its stored_at; then points every name in image.tags at it.
  Status PutImage(const ImageRecord& image, int64_t now);

  // Points `name` at `id`, moving it from any other image.
  Status SetTag(const std::string& name, const base::Digest& id, int64_t now);
  // Removes `name`; kNotFound when no such tag exists.
  Status DeleteTag(const std::string& name);
  // Removes `name` and, when it was the image's last name, the image.
  Result<Removal> RemoveByTag(const std::string& name);
  // Removes the image and all its names. An image with more than one name
  // is refused (kFailed) unless `force`, as `docker rmi <id>` does.
  Result<Removal> RemoveById(const base::Digest& id, bool force);

  Result<std::optional<base::Digest>> LookupTag(const std::string& name);
  // Ids starting with "sha256:<hex_prefix>", at most `limit` of them.
  Result<std::vector<base::Digest>> IdsWithPrefix(const std::string& hex_prefix,
                                                  int limit);
  Result<std::vector<base::Digest>> IdsWithManifest(const base::Digest& digest);

  Result<std::optional<ImageRecord>> GetImage(const base::Digest& id);
  // Newest first (by created, then stored_at), with tags and layers.
  Result<std::vector<ImageRecord>> ListImages();

  // Pins `digests` for (owner_kind, owner_id), replacing its earlier pins.
  Status SetPins(const std::string& owner_kind, const std::string& owner_id,
                 std::span<const base::Digest> digests);
  // Drops the owner's pins; returns how many there were.
  Result<int64_t> DeletePins(const std::string& owner_kind,
                             const std::string& owner_id);

  // Build cache (image_index_cache.cc). PutCacheEntry writes the row with
  // last_used = stored_at = now and pins its blob as ("cache", key) in one
  // transaction, replacing an entry with the same key.
  Status PutCacheEntry(const CacheEntry& entry, int64_t now);
  // The entry, unless it was stored before `stored_after` (0: any age); a
  // hit's last_used becomes `now`.
  Result<std::optional<CacheEntry>> LookupCacheEntry(const std::string& key,
                                                     int64_t stored_after,
                                                     int64_t now);
  Result<std::vector<CacheEntry>> ListCacheEntries();
  // Removes entries (and their pins) as `plan` says; returns how many.
  Result<int64_t> PruneCache(const CachePrunePlan& plan);
  Result<CacheTotals> CacheUsage();
  Status PutStepRecord(const std::string& location, const std::string& record,
                       int64_t now);
  Result<std::optional<std::string>> GetStepRecord(const std::string& location);
  // Pull bookkeeping (image_index_origins.cc). PutImageOrigin replaces
  // the name's row; the image must exist.
  Status PutImageOrigin(const ImageOrigin& origin, int64_t now);
  // The row for `name` while `name` still names the image it was pulled
  // as; nullopt otherwise.
  Result<std::optional<ImageOrigin>> GetImageOrigin(const std::string& name);
  // Every row whose name still names the image it was pulled as.
  Result<std::vector<ImageOrigin>> ListImageOrigins();

  // Manifest lists (image_index_lists.cc). PutManifestList writes the row
  // (updated = now) and pins its body in one transaction. `expected` is
  // the digest the caller read the list at, or nullopt when the list must
  // not exist yet; a list that is not as expected is refused (kFailed), so
  // two concurrent edits cannot silently drop one another's entries.
  Status PutManifestList(const ManifestListRecord& list,
                         const std::optional<base::Digest>& expected,
                         int64_t now);
  Result<std::optional<ManifestListRecord>> GetManifestList(
      const std::string& name);
  // Removes the row and its pins; kNotFound when there is no such list.
  Status DeleteManifestList(const std::string& name);

  // The diff_ids of image layers and cache entries: the snapshots to keep.
  Result<std::unordered_set<std::string>> ReferencedDiffIds();

  // Every digest some row references (blob_refcounts), in one snapshot.
  Result<std::unordered_set<std::string>> ReferencedDigests();
  Result<int64_t> CountImages();
  // SQLite's quick_check and foreign_key_check findings; empty when sound.
  Result<std::vector<std::string>> CheckIntegrity();

 private:
  explicit ImageIndex(Database db) : db_(std::move(db)) {}

  Status InsertLayers(const ImageRecord& image);
  Result<std::vector<std::string>> TagsOf(const base::Digest& id);
  Result<std::vector<LayerRecord>> LayersOf(const base::Digest& id);
  Status DeleteImageRow(const base::Digest& id);

  // One connection, used by one thread at a time.
  std::mutex mutex_;
  Database db_;
};

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_IMAGE_INDEX_H_
