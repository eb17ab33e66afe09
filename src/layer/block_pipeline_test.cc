#include "layer/block_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <thread>

namespace zlayer::layer {
namespace {

constexpr size_t kBlockSize = 4096;

// Copies each block with a "<seq>:" prefix after a random delay, so blocks
// finish out of order and only the pipeline's ordering puts them back.
class JitteryEncoder : public BlockEncoder {
 public:
  explicit JitteryEncoder(int threads, std::atomic<int>* finished = nullptr)
      : threads_(threads), finished_(finished) {}
  int parallelism() const override { return threads_; }
  Status Encode(int worker, Block& block) override {
    std::mt19937 rng(static_cast<unsigned>(block.seq * 31 + worker));
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 300));
    std::string out =
        std::to_string(block.seq) + ":" +
        std::string(reinterpret_cast<char*>(block.data.get()), block.size);
    block.out = std::make_unique<uint8_t[]>(out.size());
    std::memcpy(block.out.get(), out.data(), out.size());
    block.out_size = out.size();
    return Ok();
  }
  Status Emit(Block& block, BlobOutput& output) override {
    return output.Write({block.out.get(), block.out_size});
  }
  Status Finish(BlobOutput& output) override {
    if (finished_ != nullptr) ++*finished_;
    return output.Write({reinterpret_cast<const uint8_t*>("end"), 3});
  }

 private:
  int threads_;
  std::atomic<int>* finished_;
};

std::string Input(size_t size) {
  std::string input(size, '\0');
  for (size_t i = 0; i < size; ++i) input[i] = static_cast<char>('a' + i % 26);
  return input;
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(BlockPipelineTest, BlocksComeOutInOrderAndHashesMatch) {
  std::string input = Input(100 * kBlockSize + 123);
  std::string blob;
  BlockPipeline pipeline(
      std::make_unique<JitteryEncoder>(4),
      [&](std::span<const uint8_t> d) {
        blob.append(reinterpret_cast<const char*>(d.data()), d.size());
        return Ok();
      },
      kBlockSize, 6);
  // Uneven writes, so blocks fill across calls.
  for (size_t pos = 0; pos < input.size(); pos += 777) {
    auto written = pipeline.Write(Bytes(input.substr(pos, 777)));
    ASSERT_TRUE(written.has_value());
  }
  auto result = pipeline.Finish();
  ASSERT_TRUE(result.has_value()) << result.error().message();

  std::string expected;
  for (size_t seq = 0; seq * kBlockSize < input.size(); ++seq) {
    expected +=
        std::to_string(seq) + ":" + input.substr(seq * kBlockSize, kBlockSize);
  }
  expected += "end";
  EXPECT_EQ(blob, expected);
  EXPECT_EQ(result->uncompressed_size, input.size());
  EXPECT_EQ(result->compressed_size, expected.size());
  EXPECT_EQ(result->diff_id, base::Digest::Of(input));
  EXPECT_EQ(result->digest, base::Digest::Of(expected));
}

TEST(BlockPipelineTest, PassthroughReusesTheDiffId) {
  std::string input = Input(3 * kBlockSize);
  BlockPipeline pipeline(
      MakePlainEncoder(), [](std::span<const uint8_t>) { return Ok(); },
      kBlockSize, 3);
  ASSERT_TRUE(pipeline.Write(Bytes(input)).has_value());
  auto result = pipeline.Finish();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->digest, base::Digest::Of(input));
  EXPECT_EQ(result->diff_id, result->digest);
  EXPECT_EQ(result->compressed_size, input.size());
}

TEST(BlockPipelineTest, SinkErrorReachesTheWriterWithoutDeadlock) {
  std::atomic<int> finished = 0;
  size_t calls = 0;
  BlockPipeline pipeline(
      std::make_unique<JitteryEncoder>(2, &finished),
      [&](std::span<const uint8_t>) -> Status {
        if (++calls == 3) return Fail("disk full");
        return Ok();
      },
      kBlockSize, 4);
  std::string chunk = Input(kBlockSize);
  Status status = Ok();
  // Far more blocks than the pipeline holds: the writer must see the error
  // instead of waiting forever for a free block.
  for (int i = 0; i < 1000 && status; ++i)
    status = pipeline.Write(Bytes(chunk));
  auto result = pipeline.Finish();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(), "disk full");
  EXPECT_EQ(finished, 0);  // the stream is not ended after a failure
}

TEST(BlockPipelineTest, AbandonedPipelineStopsCleanly) {
  auto pipeline = std::make_unique<BlockPipeline>(
      std::make_unique<JitteryEncoder>(2),
      [](std::span<const uint8_t>) { return Ok(); }, kBlockSize, 4);
  std::string chunk = Input(kBlockSize * 10);
  ASSERT_TRUE(pipeline->Write(Bytes(chunk)).has_value());
  pipeline.reset();  // joins the workers; no Finish
}

}  // namespace
}  // namespace zlayer::layer
