// Parallel gzip: independent members instead of one deflate stream. Each
// member restarts the dictionary, which costs well under 1% of ratio at
// 1 MiB blocks, and in exchange any number of cores compress at once with no
// coordination beyond putting the members back in order.
#include <libdeflate.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "layer/block_encoder.h"

namespace zlayer::layer {
namespace {

struct CompressorFree {
  void operator()(libdeflate_compressor* c) const {
    libdeflate_free_compressor(c);
  }
};
using Compressor = std::unique_ptr<libdeflate_compressor, CompressorFree>;

// Incompressible data (random bytes, already compressed files) costs full
// deflate effort for nothing: a level-1 pass over a sample from the middle
// of the block decides, and such blocks are stored instead. The choice
// depends only on the bytes, so the output stays deterministic.
constexpr size_t kSampleSize = 64 << 10;
constexpr double kStoreRatio = 0.97;

struct Worker {
  Compressor main;
  Compressor probe;  // level 1, for the sample
  Compressor store;  // level 0: stored blocks only
  std::vector<uint8_t> scratch;
};

class GzipEncoder : public BlockEncoder {
 public:
  GzipEncoder(std::vector<Worker> workers, size_t bound)
      : workers_(std::move(workers)), bound_(bound) {}

  int parallelism() const override { return static_cast<int>(workers_.size()); }

  Status Encode(int worker, Block& block) override {
    if (block.out_capacity < bound_) {
      block.out = std::make_unique_for_overwrite<uint8_t[]>(bound_);
      block.out_capacity = bound_;
    }
    Worker& w = workers_[worker];
    libdeflate_compressor* compressor = w.main.get();
    if (block.size >= 2 * kSampleSize) {
      const uint8_t* sample = block.data.get() + block.size / 2;
      size_t sampled =
          libdeflate_deflate_compress(w.probe.get(), sample, kSampleSize,
                                      w.scratch.data(), w.scratch.size());
      if (sampled == 0 || sampled > kSampleSize * kStoreRatio) {
        compressor = w.store.get();
      }
    }
    block.out_size =
        libdeflate_gzip_compress(compressor, block.data.get(), block.size,
                                 block.out.get(), block.out_capacity);
    if (block.out_size == 0) {
      return Fail("gzip: block " + std::to_string(block.seq) +
                  " did not fit its compression bound");
    }
    return Ok();
  }

  Status Emit(Block& block, BlobOutput& output) override {
    return output.Write({block.out.get(), block.out_size});
  }

  Status Finish(BlobOutput&) override { return Ok(); }

 private:
  // One per worker: a libdeflate compressor is not thread-safe, and keeping
  // it avoids reallocating its ~1 MB of match-finder state per block.
  std::vector<Worker> workers_;
  size_t bound_;
};

}  // namespace

Result<std::unique_ptr<BlockEncoder>> MakeGzipEncoder(int level, int threads,
                                                      size_t block_size) {
  if (level < 1 || level > 12) {
    return Fail("gzip compression level " + std::to_string(level) +
                    " is out of range (1-12)",
                ErrorKind::kUsage);
  }
  std::vector<Worker> workers;
  for (int i = 0; i < threads; ++i) {
    Worker worker{.main = Compressor(libdeflate_alloc_compressor(level)),
                  .probe = Compressor(libdeflate_alloc_compressor(1)),
                  .store = Compressor(libdeflate_alloc_compressor(0))};
    if (!worker.main || !worker.probe || !worker.store) {
      return Fail("gzip: cannot allocate a compressor at level " +
                  std::to_string(level));
    }
    worker.scratch.resize(
        libdeflate_deflate_compress_bound(worker.probe.get(), kSampleSize));
    workers.push_back(std::move(worker));
  }
  // Stored blocks are the largest output either compressor can produce.
  size_t bound = std::max(
      libdeflate_gzip_compress_bound(workers.front().main.get(), block_size),
      libdeflate_gzip_compress_bound(workers.front().store.get(), block_size));
  return std::make_unique<GzipEncoder>(std::move(workers), bound);
}

}  // namespace zlayer::layer
