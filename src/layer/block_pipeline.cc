#include "layer/block_pipeline.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace zlayer::layer {

BlockPipeline::BlockPipeline(std::unique_ptr<BlockEncoder> encoder, Sink sink,
                             size_t block_size, size_t max_blocks)
    : encoder_(std::move(encoder)),
      block_size_(block_size),
      max_blocks_(std::max<size_t>(max_blocks, 1)),
      output_(std::move(sink)) {
  output_.set_hashing(!encoder_->passthrough());
  for (int i = 0; i < encoder_->parallelism(); ++i) {
    workers_.emplace_back([this, i] { WorkerLoop(i); });
  }
}

BlockPipeline::~BlockPipeline() {
  {
    std::lock_guard lock(mu_);
    // Workers skip the remaining blocks instead of compressing them.
    if (!error_) error_.emplace("layer abandoned", ErrorKind::kCancelled);
  }
  StopWorkers();
}

void BlockPipeline::StopWorkers() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void BlockPipeline::RecordError(Error error) {
  if (!error_) error_ = std::move(error);
  free_cv_.notify_all();
}

void BlockPipeline::WorkerLoop(int worker) {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return !pending_.empty() || closing_; });
    if (pending_.empty()) return;
    Block* block = pending_.front();
    pending_.pop_front();
    bool skip = error_.has_value();
    lock.unlock();
    Status status = skip ? Ok() : encoder_->Encode(worker, *block);
    lock.lock();
    if (!status) RecordError(std::move(status).error());
    encoded_.emplace(block->seq, block);
    // Whoever finds no one emitting takes over; an emitter keeps going
    // while the next block in order is ready, so none is left behind.
    if (!emitting_) EmitReady(lock);
  }
}

void BlockPipeline::EmitReady(std::unique_lock<std::mutex>& lock) {
  emitting_ = true;
  while (!encoded_.empty() && encoded_.begin()->first == next_emit_) {
    Block* block = encoded_.begin()->second;
    encoded_.erase(encoded_.begin());
    ++next_emit_;
    if (!error_) {
      lock.unlock();
      Status status = EmitBlock(*block);
      lock.lock();
      if (!status) RecordError(std::move(status).error());
    }
    free_.push_back(block);
    free_cv_.notify_one();
  }
  emitting_ = false;
}

Status BlockPipeline::EmitBlock(Block& block) {
  tar_sha_.Update(block.bytes());
  tar_size_ += block.size;
  return encoder_->Emit(block, output_);
}

Result<Block*> BlockPipeline::AcquireBlock() {
  std::unique_lock lock(mu_);
  free_cv_.wait(lock, [this] {
    return error_ || !free_.empty() || blocks_.size() < max_blocks_;
  });
  if (error_) return std::unexpected(*error_);
  if (!free_.empty()) {
    Block* block = free_.back();
    free_.pop_back();
    block->size = 0;
    return block;
  }
  auto block = std::make_unique<Block>();
  block->data = std::make_unique_for_overwrite<uint8_t[]>(block_size_);
  blocks_.push_back(std::move(block));
  return blocks_.back().get();
}

Status BlockPipeline::SubmitCurrent() {
  {
    std::lock_guard lock(mu_);
    if (error_) return std::unexpected(*error_);
    // Numbered on submission so that the sequence never has a gap.
    current_->seq = next_seq_++;
    pending_.push_back(current_);
    current_ = nullptr;
  }
  work_cv_.notify_one();
  return Ok();
}

Result<std::span<uint8_t>> BlockPipeline::Space() {
  if (current_ == nullptr) {
    ZL_ASSIGN_OR_RETURN(current_, AcquireBlock());
  }
  return std::span<uint8_t>(current_->data.get() + current_->size,
                            block_size_ - current_->size);
}

Status BlockPipeline::Commit(size_t n) {
  current_->size += n;
  if (current_->size == block_size_) return SubmitCurrent();
  return Ok();
}

Status BlockPipeline::Write(std::span<const uint8_t> data) {
  while (!data.empty()) {
    ZL_ASSIGN_OR_RETURN(std::span<uint8_t> space, Space());
    size_t n = std::min(space.size(), data.size());
    std::memcpy(space.data(), data.data(), n);
    data = data.subspan(n);
    ZL_RETURN_IF_ERROR(Commit(n));
  }
  return Ok();
}

Result<PipelineResult> BlockPipeline::Finish() {
  if (current_ != nullptr && current_->size > 0) {
    ZL_RETURN_IF_ERROR(SubmitCurrent());
  }
  StopWorkers();
  {
    std::lock_guard lock(mu_);
    if (error_) return std::unexpected(*error_);
    if (next_emit_ != next_seq_) {
      return Fail("layer pipeline: " + std::to_string(next_seq_ - next_emit_) +
                  " blocks were never written");
    }
  }
  ZL_RETURN_IF_ERROR(encoder_->Finish(output_));
  PipelineResult result;
  result.diff_id = base::Digest::FromBytes(tar_sha_.Finish());
  result.uncompressed_size = tar_size_;
  result.compressed_size = output_.size();
  result.digest = encoder_->passthrough()
                      ? result.diff_id
                      : base::Digest::FromBytes(output_.Finish());
  return result;
}

}  // namespace zlayer::layer
