// Streaming writes of one content-addressed blob. Bytes go to a temporary
// file under ROOT/tmp while SHA-256 runs over them; Commit() checks the
// digest, makes the file durable and renames it to ROOT/blobs/sha256/<hex>,
// so a blob is visible under its name only once its content is verified
// and on disk. A writer destroyed before Commit() removes its temporary
// file; one lost to a crash is swept by the next exclusive holder of the
// root lock (see root_lock.h).
#ifndef ZLAYER_STORE_BLOB_WRITER_H_
#define ZLAYER_STORE_BLOB_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/sha256.h"
#include "base/unique_fd.h"
#include "zlayer/result.h"

namespace zlayer::store {

class BlobWriter {
 public:
  BlobWriter() = default;  // writes nothing; Write and Commit fail
  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&& other) noexcept;
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter();

  Status Write(std::string_view data);
  // Bytes written so far.
  uint64_t size() const { return size_; }

  // Finishes the blob and returns its digest. With `expected`, content that
  // hashes differently is rejected (kInvalid) and discarded. If the blob
  // already exists it is replaced by the identical new copy. Afterwards
  // the writer is spent, whatever the outcome.
  Result<base::Digest> Commit(
      const std::optional<base::Digest>& expected = std::nullopt);

  // Discards what was written.
  void Abort();

 private:
  friend class BlobStore;
  BlobWriter(std::string blob_dir, std::string temp_path, base::UniqueFd fd)
      : blob_dir_(std::move(blob_dir)),
        temp_path_(std::move(temp_path)),
        fd_(std::move(fd)) {}

  Status Finish(const std::string& final_path);

  std::string blob_dir_;   // ROOT/blobs/sha256
  std::string temp_path_;  // empty once committed or aborted
  base::UniqueFd fd_;
  base::Sha256 hash_;
  uint64_t size_ = 0;
};

// fsync(2) on a directory, so that a rename or unlink inside it survives a
// power loss. EINVAL (filesystems that cannot sync directories) is not an
// error: the rename itself has happened.
Status SyncDirectory(const std::string& dir);

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_BLOB_WRITER_H_
