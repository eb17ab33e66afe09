// Reads a layer as tar entries while hashing the uncompressed stream.
//
// libarchive hands out decompressed data only per entry, yet the diff_id is
// the hash of the whole uncompressed tar, padding and end-of-archive blocks
// included. So two libarchive readers are chained in one thread: the outer
// one only decompresses (the "raw" format over the gzip, zstd, bzip2 and xz
// filters) and the inner one parses tar from a read callback that pulls the
// outer one's output and hashes every byte as it passes. Whatever the tar
// parser leaves unread at the end is drained into the hash by Finish(). This
// avoids a second decompressor, a pipe and a thread, and works the same for
// uncompressed input (the raw format then passes the bytes through).
#ifndef ZLAYER_EXTRACT_LAYER_READER_H_
#define ZLAYER_EXTRACT_LAYER_READER_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/sha256.h"
#include "base/unique_fd.h"
#include "extract/extract.h"
#include "zlayer/result.h"

struct archive;
struct archive_entry;

namespace zlayer::extract {

// Frees a libarchive reader.
struct ArchiveDeleter {
  void operator()(archive* a) const;
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

// Receives a regular file's data: `offset` grows monotonically but may skip
// holes of a sparse entry.
using DataSink = std::function<Status(int64_t offset, std::string_view data)>;

class LayerReader {
 public:
  // Opens the source and detects its compression. Nested compression (a
  // gzip inside a gzip) is refused: the diff_id would not be well defined.
  static Result<std::unique_ptr<LayerReader>> Open(const LayerSource& source);

  LayerReader(const LayerReader&) = delete;
  LayerReader& operator=(const LayerReader&) = delete;
  ~LayerReader();

  // The next entry, or nullopt at the end of the archive. Unread data of
  // the previous entry is skipped (and hashed).
  Result<std::optional<LayerEntry>> Next();

  // Streams the current entry's data to `sink`.
  Status ReadData(const DataSink& sink);

  // Drains the rest of the stream; call after Next() returned nullopt.
  Status Finish();
  // Valid after Finish().
  base::Digest diff_id() const { return diff_id_; }
  uint64_t uncompressed_size() const { return uncompressed_size_; }

 private:
  explicit LayerReader(std::string description)
      : description_(std::move(description)) {}

  Status OpenOuter(const LayerSource& source);
  Status OpenInner();
  // The inner reader's read callback.
  static ssize_t PullDecompressed(archive* inner, void* self,
                                  const void** buffer);
  Result<LayerEntry> ConvertCurrent();
  std::string InnerError(std::string_view what) const;

  std::string description_;
  base::UniqueFd owned_fd_;
  ArchivePtr outer_;
  ArchivePtr inner_;
  archive_entry* current_ = nullptr;
  base::Sha256 hash_;
  uint64_t uncompressed_size_ = 0;
  bool outer_done_ = false;
  std::string outer_error_;
  std::string last_path_;  // of the latest entry, for error messages
  base::Digest diff_id_;
};

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_LAYER_READER_H_
