#include "layer/layer_writer.h"

#include <sched.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "layer/block_encoder.h"
#include "layer/block_pipeline.h"
#include "layer/tar_writer.h"

namespace zlayer::layer {
namespace {

constexpr int kDefaultGzipLevel = 6;
constexpr int kDefaultZstdLevel = 3;
constexpr int kMaxThreads = 256;
// Beyond this the single tar reader, not compression, sets the pace, and
// every thread adds ~4 MiB of blocks in flight.
constexpr int kMaxDefaultThreads = 8;
constexpr size_t kMinBlockSize = 64 * 1024;

Result<std::unique_ptr<BlockEncoder>> MakeEncoder(const LayerOptions& options,
                                                  int threads) {
  switch (options.compression) {
    case oci::Compression::kGzip:
      return MakeGzipEncoder(options.level ? options.level : kDefaultGzipLevel,
                             threads, options.block_size);
    case oci::Compression::kZstd:
      return MakeZstdEncoder(options.level ? options.level : kDefaultZstdLevel,
                             threads);
    case oci::Compression::kNone:
      break;
  }
  if (options.level != 0) {
    return Fail("a compression level needs gzip or zstd compression",
                ErrorKind::kUsage);
  }
  return MakePlainEncoder();
}

Status Validate(const LayerOptions& options) {
  if (options.threads < 0 || options.threads > kMaxThreads) {
    return Fail("layer threads " + std::to_string(options.threads) +
                    " out of range (0-" + std::to_string(kMaxThreads) + ")",
                ErrorKind::kUsage);
  }
  if (options.block_size < kMinBlockSize ||
      options.block_size % kTarBlockSize != 0) {
    return Fail("layer block size " + std::to_string(options.block_size) +
                    " must be a multiple of 512 and at least 64 KiB",
                ErrorKind::kUsage);
  }
  return Ok();
}

}  // namespace

int DefaultLayerThreads() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
    return std::clamp(CPU_COUNT(&set), 1, kMaxDefaultThreads);
  }
  return 1;
}

Result<LayerResult> WriteLayer(const ChangeSet& changes,
                               const LayerOptions& options, const Sink& sink) {
  ZL_RETURN_IF_ERROR(Validate(options));
  int threads = options.threads ? options.threads : DefaultLayerThreads();
  ZL_ASSIGN_OR_RETURN(std::unique_ptr<BlockEncoder> encoder,
                      MakeEncoder(options, threads));
  // Two blocks per worker keep each busy while the other's output waits
  // for its turn; two more let the tar side fill one while one is queued.
  size_t max_blocks = 2 * static_cast<size_t>(encoder->parallelism()) + 2;
  BlockPipeline pipeline(std::move(encoder), sink, options.block_size,
                         max_blocks);
  TarWriter tar(pipeline, changes.root, options.source_date_epoch);
  ZL_RETURN_IF_ERROR(WalkChangeSet(
      changes, [&tar](const Entry& entry) { return tar.Add(entry); }));
  ZL_RETURN_IF_ERROR(tar.Finish());
  ZL_ASSIGN_OR_RETURN(PipelineResult written, pipeline.Finish());
  ZL_ASSIGN_OR_RETURN(
      std::string_view media_type,
      oci::LayerMediaType(oci::Format::kOci, options.compression));
  LayerResult result;
  result.diff_id = std::move(written.diff_id);
  result.digest = std::move(written.digest);
  result.compressed_size = written.compressed_size;
  result.uncompressed_size = written.uncompressed_size;
  result.media_type = std::string(media_type);
  return result;
}

}  // namespace zlayer::layer
