// The layer writer: a change set in, a layer blob out, in one streaming
// pass. The tar is produced on the caller's thread; compression, the
// diff_id and blob hashes and the sink run on worker threads fed through a
// bounded set of blocks, so memory stays at a few tens of MB for any layer
// size and every core is busy.
//
//   ChangeSet changes{.root = upper, .kind = SourceKind::kOverlayUpper};
//   ZL_ASSIGN_OR_RETURN(LayerResult layer,
//                       WriteLayer(changes, {}, FdSink(fd, path)));
//
// The same tree and options always give the same bytes, hence the same
// digest, on any machine and with any thread count.
#ifndef ZLAYER_LAYER_LAYER_WRITER_H_
#define ZLAYER_LAYER_LAYER_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/sha256.h"
#include "layer/change_set.h"
#include "layer/sink.h"
#include "oci/media_types.h"
#include "zlayer/result.h"

namespace zlayer::layer {

struct LayerOptions {
  oci::Compression compression = oci::Compression::kGzip;
  // 0 picks the default: 6 for gzip (as gzip and pigz), 3 for zstd (as the
  // zstd tool). gzip takes 1-12, zstd 1-19.
  int level = 0;
  // Compression threads; 0 means one per CPU this process may run on, up
  // to 8.
  int threads = 0;
  // SOURCE_DATE_EPOCH: mtimes later than this are written as it, as
  // BuildKit's rewrite-timestamp does; earlier ones are kept.
  std::optional<int64_t> source_date_epoch;
  // Tar bytes per pipeline block, and so per gzip member. The gzip bytes
  // depend on it: keep the default wherever digests must match.
  size_t block_size = size_t{1} << 20;
};

struct LayerResult {
  base::Digest diff_id;  // sha256 of the uncompressed tar
  base::Digest digest;   // sha256 of the blob as written to the sink
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  // The OCI layer media type for the compression; Docker-format callers map
  // it with oci::LayerMediaType.
  std::string media_type;
};

// Writes the layer for `changes` to `sink`. Errors name the file or
// directory concerned, or come from the sink unchanged.
Result<LayerResult> WriteLayer(const ChangeSet& changes,
                               const LayerOptions& options, const Sink& sink);

// The thread count `threads` = 0 stands for.
int DefaultLayerThreads();

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_LAYER_WRITER_H_
