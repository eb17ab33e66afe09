// The content-addressed blob directory of a store root:
//   ROOT/blobs/sha256/<hex>   committed, verified, read-only blobs
//   ROOT/tmp/                 blobs being written (see blob_writer.h)
// The same layout as an OCI image layout's blobs/, so export can hard-link
// or copy files directly. Blobs are never modified; they are removed only
// by the store's garbage collection, which is why removal is not public.
#ifndef ZLAYER_STORE_BLOB_STORE_H_
#define ZLAYER_STORE_BLOB_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/sha256.h"
#include "base/unique_fd.h"
#include "store/blob_writer.h"
#include "store/root_lock.h"
#include "zlayer/result.h"

namespace zlayer::store {

struct BlobEntry {
  base::Digest digest;
  uint64_t size = 0;
};

// What a directory scan found: blobs, and names that are not blobs (foreign
// files, wrong-length names), which VerifyAll reports.
struct BlobListing {
  std::vector<BlobEntry> blobs;
  std::vector<std::string> strays;
};

// ROOT/tmp/<kWorkDirName>: Store::WorkDir, which SweepTemp leaves alone.
inline constexpr char kWorkDirName[] = "work";

class BlobStore {
 public:
  explicit BlobStore(std::string root);

  // Creates ROOT/blobs/sha256 and ROOT/tmp when missing.
  Status CreateDirs() const;

  const std::string& root() const { return root_; }
  // ROOT/blobs/sha256/<hex>, whether or not it exists.
  std::string BlobPath(const base::Digest& digest) const;

  // A writer for a new blob. `lease` must be a lease on this root: it keeps
  // garbage collection away until the caller has referenced the blob.
  Result<BlobWriter> NewWriter(const Lease& lease) const;
  // A whole blob from memory; see BlobWriter::Commit for `expected`.
  Result<base::Digest> Put(
      const Lease& lease, std::string_view bytes,
      const std::optional<base::Digest>& expected = std::nullopt) const;

  // Read-only descriptor; kNotFound when the blob is absent.
  Result<base::UniqueFd> Open(const base::Digest& digest) const;
  // The whole blob, checked against its digest; larger than `max_size` is
  // an error (manifests and configs are small; a huge one is hostile).
  Result<std::string> Read(const base::Digest& digest,
                           uint64_t max_size = 16 << 20) const;
  Result<bool> Has(const base::Digest& digest) const;
  // kNotFound when the blob is absent.
  Result<uint64_t> Size(const base::Digest& digest) const;
  // Re-hashes the blob: kInvalid when it does not match its name.
  Status Verify(const base::Digest& digest) const;

  Result<BlobListing> List() const;

 private:
  friend class Store;

  // Garbage collection only: deletes one blob (absent is fine).
  Status Remove(const base::Digest& digest) const;
  // Only under the exclusive root lock: deletes every temporary file but
  // tmp/work (kWorkDirName) and returns how many there were and their bytes.
  Result<std::pair<int64_t, uint64_t>> SweepTemp() const;

  std::string root_;
  std::string blob_dir_;
  std::string temp_dir_;
};

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_BLOB_STORE_H_
