// The local image store under one root directory (`--root`):
//
//   ROOT/blobs/sha256/<hex>  content-addressed blobs: manifests, configs,
//                            compressed layers (blob_store.h)
//   ROOT/tmp/                blobs being written
//   ROOT/index.db            SQLite index: images, layers, tags, pins
//   ROOT/lock                flock(2) lock coordinating writers and GC
//   ROOT/snapshots/<hex>     layers unpacked as overlay lower dirs, by
//                            diff_id (SnapshotDir)
//   ROOT/cache-mounts/       RUN --mount=type=cache directories
//   ROOT/tmp/work/           builds' scratch space (WorkDir)
//
// Invariants, which hold after a crash at any point:
//   1. A file under blobs/sha256 always hashes to its name: blobs are
//      written to tmp/, verified, fsynced and only then renamed into place.
//   2. Every digest the index references names a present blob: blobs are
//      committed before the index transaction that references them, the
//      index is written with synchronous=FULL, and GC deletes only blobs
//      that no committed row references.
//   3. GC never deletes a blob that a writer has committed but not yet
//      referenced: writers hold the root lock shared from their first blob
//      write until their index transaction commits (a Lease), and GC holds
//      it exclusively (root_lock.h).
// So a crash leaves at worst unreferenced blobs and temporary files, which
// the next garbage collection (or Open, when no writer is active) removes.
//
// Several processes may use one root at once; a Store object may be shared
// by threads.
#ifndef ZLAYER_STORE_STORE_H_
#define ZLAYER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/sha256.h"
#include "oci/descriptor.h"
#include "oci/index.h"
#include "oci/media_types.h"
#include "store/blob_store.h"
#include "store/image_index.h"
#include "store/root_lock.h"
#include "zlayer/result.h"

namespace zlayer::store {

struct GcOptions {
  // Wait for writers to finish. Without waiting, a GC that cannot get the
  // exclusive lock right away is skipped (as `rmi` does, so that removing a
  // name never stalls behind a long build).
  bool wait = true;
};

struct GcStats {
  int64_t blobs_removed = 0;
  uint64_t bytes_removed = 0;
  int64_t temp_files_removed = 0;  // in tmp/ and tmp/work/
  int64_t snapshots_removed = 0;   // unreferenced or partially written
  uint64_t snapshot_bytes_removed = 0;
  bool skipped = false;  // another process was writing (GcOptions::wait)
};

// One build-cache entry: the result of one instruction, keyed by the
// engine's cache key (hex). A step that changed nothing has no layer.
struct CacheEntry {
  std::string key;
  bool empty_layer = false;
  base::Digest diff_id;    // uncompressed layer digest (snapshot name)
  base::Digest blob;       // compressed layer blob in blobs/
  std::string media_type;  // of the blob
  int64_t size = 0;        // of the blob
  int64_t created = 0;     // unix seconds
  int64_t last_used = 0;   // unix seconds, updated by lookups

  bool operator==(const CacheEntry&) const = default;
};

struct CachePruneOptions {
  int64_t older_than_seconds = 0;  // 0: no age limit
  uint64_t keep_storage = 0;       // 0: no size target
  bool all = false;                // every entry, and the cache mounts
};

struct CachePruneStats {
  int64_t entries_removed = 0;
  int64_t cache_mounts_removed = 0;
  GcStats gc;
};

struct BuildCacheUsage {
  int64_t entries = 0;
  uint64_t layer_bytes = 0;  // blobs pinned only by the cache
  int64_t cache_mounts = 0;
  uint64_t cache_mount_bytes = 0;
  int64_t snapshots = 0;
  uint64_t snapshot_bytes = 0;
};

struct StoreUsage {
  int64_t images = 0;
  int64_t blobs = 0;
  uint64_t bytes = 0;
  int64_t unreferenced_blobs = 0;  // what GC would remove
  uint64_t unreferenced_bytes = 0;
};

struct VerifyReport {
  int64_t blobs_checked = 0;
  uint64_t bytes_checked = 0;
  // One line per problem: a corrupt or missing blob, a stray file, an
  // index inconsistency.
  std::vector<std::string> problems;

  bool ok() const { return problems.empty(); }
};

// A manifest list with the exact bytes the store holds (and push sends).
struct ManifestList {
  ManifestListRecord record;
  std::string body;
  oci::Index index;
};

// What Store::EditManifestList does with a list of the same name.
enum class ListEditMode {
  kCreate,  // the list must not exist yet
  kAmend,   // create it, or add to the one that exists
  kAdd,     // the list must exist
};

struct ManifestListEdit {
  std::string name;
  std::vector<std::string> images;  // image references to add, in order
  // The format of a new list (nullopt: OCI). An existing list keeps its
  // own; asking for the other one is refused.
  std::optional<oci::Format> format;
  ListEditMode mode = ListEditMode::kCreate;
};

struct ManifestListEditResult {
  ManifestListRecord list;
  // One line per entry replaced by an added image for the same platform:
  // "linux/arm64: sha256:old replaced by sha256:new (image app:arm)".
  std::vector<std::string> replaced;
};

class Store {
 public:
  // Creates the root and its layout when missing and migrates the index.
  // When no other process is writing, removes temporary files that crashed
  // writers left behind.
  static Result<Store> Open(const std::string& root);

  const std::string& root() const { return root_; }
  const BlobStore& blobs() const { return blobs_; }

  // Hold one while writing blobs for an image until PutImage returns, and
  // while reading an image's blobs across several calls (export). Never
  // call GarbageCollect with wait=true while the same thread holds one: it
  // would wait for itself.
  Result<Lease> AcquireLease() const;

  // Records an image whose layer blobs are already in the store. The
  // manifest and config bytes are validated, checked against each other
  // (config digest and size; one diff_id per layer) and stored as blobs;
  // each layer blob must be present with the manifest's size. `names` are
  // normalized (":latest" added) and moved to the image in the same
  // transaction. Storing an image whose id exists replaces its manifest.
  Result<ImageRecord> PutImage(std::string_view manifest,
                               std::string_view config,
                               std::span<const std::string> names = {});

  // Adds (or moves) the name `name` to the image `image_ref` denotes.
  Status Tag(std::string_view image_ref, std::string_view name);
  // Removes a name, leaving the image even if it has no other name.
  Status Untag(std::string_view name);
  // `rmi`: by name, removes that name and, if it was the last, the image;
  // by id, removes the image and its names (refused for names in several
  // repositories unless `force`). Blobs stay until GarbageCollect.
  Result<Removal> RemoveImage(std::string_view ref, bool force = false);

  // The image id `ref` denotes: "sha256:<64 hex>", a tagged name ("name"
  // means "name:latest"), a unique id prefix of at least 4 hex digits
  // (optionally after "sha256:"), or "name@sha256:<manifest digest>".
  // kNotFound when nothing matches, kFailed for an ambiguous prefix.
  Result<base::Digest> ResolveImage(std::string_view ref);
  Result<ImageRecord> GetImage(std::string_view ref);
  // Newest first, each with its names, layers and real size.
  Result<std::vector<ImageRecord>> ListImages();

  // Keeps `digests` from GC on behalf of (owner_kind, owner_id), e.g.
  // ("cache", <key>), replacing that owner's earlier pins. The blobs must be
  // present; the caller holds a Lease if it wrote them.
  Status PinBlobs(std::string_view owner_kind, std::string_view owner_id,
                  std::span<const base::Digest> digests);
  Result<int64_t> UnpinBlobs(std::string_view owner_kind,
                             std::string_view owner_id);

  // Build cache. PutCacheEntry pins the entry's blob (owner "cache", key);
  // the blob must be present. LookupCacheEntry ignores entries older than
  // `max_age_seconds` (0: any age) and refreshes last_used on a hit.
  // An entry's age counts from when it was stored, and its last_used starts
  // then: `created` may be a fixed SOURCE_DATE_EPOCH, so neither reads it
  // (entry.last_used is not stored).
  Status PutCacheEntry(const CacheEntry& entry);
  Result<std::optional<CacheEntry>> LookupCacheEntry(std::string_view key,
                                                     int64_t max_age_seconds);
  // Removes entries by age (last_used), then least recently used ones
  // until the cache's layers take at most keep_storage, unpins them and
  // collects garbage (waiting for writers). With `all`, every entry and
  // every cache mount goes. The caller must not hold a Lease.
  Result<CachePruneStats> PruneBuildCache(const CachePruneOptions& options);
  Result<BuildCacheUsage> GetBuildCacheUsage();

  // What --explain-cache compares against: the last inputs of one step
  // location (an opaque id and text chosen by the engine).
  Status PutStepRecord(std::string_view location, std::string_view record);
  Result<std::optional<std::string>> GetStepRecord(std::string_view location);

  // Records that `origin.name` was pulled from a registry (pulled_at is
  // set here), for --pull=newer. GetImageOrigin answers only while the
  // name still names the image it was pulled as: a name re-tagged, rebuilt
  // or imported since has no origin.
  Status PutImageOrigin(ImageOrigin origin);
  Result<std::optional<ImageOrigin>> GetImageOrigin(std::string_view name);
  // Every current origin (push uses them to mount blobs across
  // repositories instead of uploading them).
  Result<std::vector<ImageOrigin>> ListImageOrigins();

  // Manifest lists (store_lists.cc), named like tags ("list" is
  // "list:latest"). The body is a blob pinned while the list exists; the
  // images it names are not kept by it (as in podman), so pushing a list
  // whose image was removed fails.
  //
  // Stores `body`, which must parse as an OCI index or a Docker manifest
  // list, as list `name`. `expected`: the list's digest when the caller
  // read it, nullopt when it must not exist yet (a mismatch is refused).
  Result<ManifestListRecord> PutManifestList(
      std::string_view name, std::string_view body,
      const std::optional<base::Digest>& expected);
  // nullopt when no list has that name.
  Result<std::optional<ManifestList>> FindManifestList(std::string_view name);
  // kNotFound "no such manifest list: NAME" when there is none.
  Result<ManifestList> GetManifestList(std::string_view name);
  // Removes the list and unpins its body (GC then drops it).
  Result<ManifestListRecord> RemoveManifestList(std::string_view name);
  // The entry a list gets for the image `image_ref` denotes: its manifest
  // descriptor with the platform its config names (os, architecture,
  // variant, os.version, os.features).
  Result<oci::Descriptor> DescribeForList(std::string_view image_ref);
  // Adds `edit.images` to the list as `edit.mode` says. An image for a
  // platform the list already has replaces that entry in place; a Docker
  // manifest list takes only Docker-format images. All or nothing: on an
  // error the list is as it was.
  Result<ManifestListEditResult> EditManifestList(const ManifestListEdit& edit);

  // ROOT/snapshots/<diff_id hex>: layers unpacked as overlay lower dirs.
  // GC removes snapshots no image layer and no cache entry names.
  std::string SnapshotDir(const base::Digest& diff_id) const;
  // ROOT/cache-mounts: RUN --mount=type=cache directories.
  std::string CacheMountsDir() const { return root_ + "/cache-mounts"; }
  // ROOT/tmp/work: scratch space on the store's filesystem for build
  // snapshots (uppers and work dirs), cleaned like tmp/.
  std::string WorkDir() const { return root_ + "/tmp/work"; }

  // Deletes every blob nothing references, every abandoned temporary file
  // (tmp/, tmp/work/) and every snapshot no image layer or cache entry
  // names, and partially written ones.
  Result<GcStats> GarbageCollect(GcOptions options = {});
  Result<StoreUsage> DiskUsage();
  // Re-hashes every blob and cross-checks the index against the files.
  Result<VerifyReport> VerifyAll();

  // Unix seconds for the build cache's times; tests substitute a clock.
  void SetClockForTesting(std::function<int64_t()> clock) {
    clock_ = std::move(clock);
  }

 private:
  Store(std::string root, std::unique_ptr<ImageIndex> index)
      : root_(std::move(root)), blobs_(root_), index_(std::move(index)) {}

  std::string LockPath() const { return root_ + "/lock"; }
  // Adds "store ROOT" to system errors, which need the location to debug;
  // user errors (no such image) read better without it.
  template <typename T>
  Result<T> InStore(Result<T> result) const;

  int64_t Now() const;
  // Only under the exclusive root lock.
  Result<int64_t> SweepScratch() const;
  Status CollectUnderLock(GcStats& stats);
  Status CollectSnapshots(GcStats& stats);
  Result<int64_t> RemoveCacheMounts();

  Result<base::Digest> Resolve(std::string_view ref);
  Result<ImageRecord> BuildRecord(std::string_view manifest,
                                  std::string_view config);

  std::string root_;
  BlobStore blobs_;
  std::unique_ptr<ImageIndex> index_;
  std::function<int64_t()> clock_;
};

template <typename T>
Result<T> Store::InStore(Result<T> result) const {
  if (!result && result.error().kind() == ErrorKind::kIo) {
    result.error().AddContext("store " + root_);
  }
  return result;
}

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_STORE_H_
