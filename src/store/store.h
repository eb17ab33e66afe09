// The local image store under one root directory (`--root`):
//
//   ROOT/blobs/sha256/<hex>  content-addressed blobs: manifests, configs,
//                            compressed layers (blob_store.h)
//   ROOT/tmp/                blobs being written
//   ROOT/index.db            SQLite index: images, layers, tags, pins
//   ROOT/lock                flock(2) lock coordinating writers and GC
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
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/sha256.h"
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
  int64_t temp_files_removed = 0;
  bool skipped = false;  // another process was writing (GcOptions::wait)
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

  // Deletes every blob nothing references and every abandoned temporary
  // file.
  Result<GcStats> GarbageCollect(GcOptions options = {});
  Result<StoreUsage> DiskUsage();
  // Re-hashes every blob and cross-checks the index against the files.
  Result<VerifyReport> VerifyAll();

 private:
  Store(std::string root, std::unique_ptr<ImageIndex> index)
      : root_(std::move(root)), blobs_(root_), index_(std::move(index)) {}

  std::string LockPath() const { return root_ + "/lock"; }
  // Adds "store ROOT" to system errors, which need the location to debug;
  // user errors (no such image) read better without it.
  template <typename T>
  Result<T> InStore(Result<T> result) const;

  Result<base::Digest> Resolve(std::string_view ref);
  Result<ImageRecord> BuildRecord(std::string_view manifest,
                                  std::string_view config);

  std::string root_;
  BlobStore blobs_;
  std::unique_ptr<ImageIndex> index_;
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
