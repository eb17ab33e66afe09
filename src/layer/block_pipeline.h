// The streaming half of the layer writer: tar bytes go in on the caller's
// thread, are cut into fixed-size blocks, compressed on worker threads and
// come out in order, hashed twice on the way (the tar for the diff_id, the
// blob for the digest) and handed to the sink. A fixed number of blocks
// circulates, so memory stays bounded however large the layer: when every
// block is in flight the writer waits for the slowest stage.
#ifndef ZLAYER_LAYER_BLOCK_PIPELINE_H_
#define ZLAYER_LAYER_BLOCK_PIPELINE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "base/sha256.h"
#include "layer/block_encoder.h"
#include "layer/sink.h"
#include "zlayer/result.h"

namespace zlayer::layer {

struct PipelineResult {
  base::Digest diff_id;  // of the tar
  base::Digest digest;   // of the blob
  uint64_t uncompressed_size = 0;
  uint64_t compressed_size = 0;
};

class BlockPipeline {
 public:
  // Starts encoder->parallelism() worker threads; at most `max_blocks`
  // blocks of `block_size` bytes exist at once.
  BlockPipeline(std::unique_ptr<BlockEncoder> encoder, Sink sink,
                size_t block_size, size_t max_blocks);
  // Stops the workers; a stream not finished is abandoned.
  ~BlockPipeline();
  BlockPipeline(const BlockPipeline&) = delete;
  BlockPipeline& operator=(const BlockPipeline&) = delete;

  // Appends to the stream. Fails once any stage has failed.
  Status Write(std::span<const uint8_t> data);
  // The free tail of the current block, for the caller to fill directly
  // (from read(2), say) and then Commit; never empty.
  Result<std::span<uint8_t>> Space();
  // Marks `n` bytes at the start of the last Space() as written.
  Status Commit(size_t n);

  // Sends the last block, waits for the workers and ends the blob.
  Result<PipelineResult> Finish();

 private:
  void WorkerLoop(int worker);
  void EmitReady(std::unique_lock<std::mutex>& lock);
  Status EmitBlock(Block& block);
  void RecordError(Error error);
  Result<Block*> AcquireBlock();
  Status SubmitCurrent();
  void StopWorkers();

  std::unique_ptr<BlockEncoder> encoder_;
  const size_t block_size_;
  const size_t max_blocks_;

  // Touched only by the one thread emitting at a time.
  BlobOutput output_;
  base::Sha256 tar_sha_;
  uint64_t tar_size_ = 0;

  std::mutex mu_;
  std::condition_variable work_cv_;  // pending_ grew or closing_ was set
  std::condition_variable free_cv_;  // a block was released or we failed
  std::vector<std::unique_ptr<Block>> blocks_;  // every block allocated
  std::vector<Block*> free_;
  std::deque<Block*> pending_;          // submitted, not yet encoded
  std::map<uint64_t, Block*> encoded_;  // encoded, waiting for their turn
  uint64_t next_seq_ = 0;
  uint64_t next_emit_ = 0;
  bool emitting_ = false;
  bool closing_ = false;
  std::optional<Error> error_;
  std::vector<std::thread> workers_;

  Block* current_ = nullptr;  // the block the caller is filling
};

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_BLOCK_PIPELINE_H_
