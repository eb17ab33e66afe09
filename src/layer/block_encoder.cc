#include "layer/block_encoder.h"

namespace zlayer::layer {
namespace {

class PlainEncoder : public BlockEncoder {
 public:
  int parallelism() const override { return 1; }
  bool passthrough() const override { return true; }
  Status Encode(int, Block&) override { return Ok(); }
  Status Emit(Block& block, BlobOutput& output) override {
    return output.Write(block.bytes());
  }
  Status Finish(BlobOutput&) override { return Ok(); }
};

}  // namespace

Status BlobOutput::Write(std::span<const uint8_t> data) {
  if (data.empty()) return Ok();
  if (hashing_) sha_.Update(data);
  size_ += data.size();
  return sink_(data);
}

std::unique_ptr<BlockEncoder> MakePlainEncoder() {
  return std::make_unique<PlainEncoder>();
}

}  // namespace zlayer::layer
