// Compression of the tar stream, one fixed-size block at a time. The block
// pipeline (block_pipeline.h) hands every block to Encode on one of
// parallelism() threads, then to Emit strictly in stream order, so a codec
// either compresses blocks independently and in parallel (gzip) or streams
// them through a compressor with threads of its own (zstd).
#ifndef ZLAYER_LAYER_BLOCK_ENCODER_H_
#define ZLAYER_LAYER_BLOCK_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/sha256.h"
#include "layer/sink.h"
#include "zlayer/result.h"

namespace zlayer::layer {

// A block of tar bytes and the encoder's output for it. Blocks are recycled,
// so their buffers are allocated once per pipeline, not per block.
struct Block {
  uint64_t seq = 0;  // position in the stream
  std::unique_ptr<uint8_t[]> data;
  size_t size = 0;  // bytes of data filled
  std::unique_ptr<uint8_t[]> out;
  size_t out_capacity = 0;
  size_t out_size = 0;

  std::span<const uint8_t> bytes() const { return {data.get(), size}; }
};

// The blob side: hashes and counts what it forwards to the sink.
class BlobOutput {
 public:
  explicit BlobOutput(Sink sink) : sink_(std::move(sink)) {}

  Status Write(std::span<const uint8_t> data);
  // Counting without hashing, for a blob that is the tar itself.
  void set_hashing(bool hashing) { hashing_ = hashing; }
  uint64_t size() const { return size_; }
  base::Sha256::Bytes Finish() { return sha_.Finish(); }

 private:
  Sink sink_;
  base::Sha256 sha_;
  uint64_t size_ = 0;
  bool hashing_ = true;
};

class BlockEncoder {
 public:
  virtual ~BlockEncoder() = default;

  // How many Encode calls may run at once (worker is then in [0, n)).
  virtual int parallelism() const = 0;
  // The blob is the tar stream unchanged, so its digest is the diff_id.
  virtual bool passthrough() const { return false; }
  // Compresses `block` into block.out; runs on a worker thread.
  virtual Status Encode(int worker, Block& block) = 0;
  // Writes a block's output; called in stream order, one at a time.
  virtual Status Emit(Block& block, BlobOutput& output) = 0;
  // Writes whatever ends the stream, after the last Emit.
  virtual Status Finish(BlobOutput& output) = 0;
};

// Each block becomes a complete gzip member (libdeflate), so blocks
// compress in parallel on `threads` threads and the concatenation is one
// valid multi-member gzip stream, which gzip, pigz, Go and libarchive read.
// `level` is 1-12 (libdeflate's range; 6 matches gzip's default).
Result<std::unique_ptr<BlockEncoder>> MakeGzipEncoder(int level, int threads,
                                                      size_t block_size);

// One zstd frame with a checksum, compressed by libzstd's own `threads`
// worker threads. The output does not depend on the thread count.
// `level` is 1-19 (ZSTD_maxCLevel without the slow ultra levels).
Result<std::unique_ptr<BlockEncoder>> MakeZstdEncoder(int level, int threads);

// The tar itself.
std::unique_ptr<BlockEncoder> MakePlainEncoder();

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_BLOCK_ENCODER_H_
