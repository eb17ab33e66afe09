// Moving bytes between files and the store: every blob an import takes in
// is streamed into a BlobWriter and committed only when it hashes to the
// digest its manifest promised, and layers are decompressed or recompressed
// on the way without ever holding one in memory.
#ifndef ZLAYER_IMAGEIO_BLOB_COPY_H_
#define ZLAYER_IMAGEIO_BLOB_COPY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/sha256.h"
#include "layer/layer_writer.h"
#include "store/blob_store.h"
#include "store/root_lock.h"
#include "zlayer/result.h"

namespace zlayer::imageio {

// Receives consecutive chunks of a stream.
using ChunkSink = std::function<Status(std::string_view chunk)>;

// Streams the file at `path` to `sink` in chunks.
Status ReadFileChunks(const std::string& path, const ChunkSink& sink);

// Streams the decompressed content of `path` (gzip, zstd, bzip2, xz or
// plain) to `sink`. Only those codecs are recognised, in-process: a hostile
// file never starts a decompressor program.
Status DecompressFile(const std::string& path, const ChunkSink& sink);

// Copies `path` into the store. The blob becomes visible only if it hashes
// to `expected` and, when `expected_size` >= 0, has that size; `what` names
// the blob in errors ("layer 2").
Status CopyFileToStore(const store::BlobStore& blobs, const store::Lease& lease,
                       const std::string& path, const base::Digest& expected,
                       int64_t expected_size, std::string_view what);

// The diff_id of a layer file: the SHA-256 of its uncompressed tar.
Result<base::Digest> LayerDiffId(const std::string& path);

// Stores the tar in `path` (compressed or not) as a gzip layer blob and
// returns its digests and sizes.
Result<layer::LayerResult> StoreTarAsGzip(const store::BlobStore& blobs,
                                          const store::Lease& lease,
                                          const std::string& path);

// A layer sink feeding a BlobWriter, which must outlive it.
layer::Sink BlobWriterSink(store::BlobWriter& writer);

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_BLOB_COPY_H_
