// zstd through its streaming API with nbWorkers set: libzstd splits the
// stream into jobs and compresses them on its own threads, so the pipeline
// feeds it from a single thread. The frame does not depend on how the input
// is sliced or on the worker count (for nbWorkers >= 1), which keeps the
// digest stable across machines.
#include <zstd.h>

#include <memory>
#include <string>

#include "layer/block_encoder.h"

namespace zlayer::layer {
namespace {

constexpr int kMaxLevel = 19;
// libzstd's default jobs (8 MiB at level 3) cost ~70 MB of buffers across
// two workers. 2 MiB jobs that each start from the full previous window
// (overlapLog 9) need ~30 MB and compress slightly better than the
// default. Both are part of the frame's identity: changing them changes
// digests.
constexpr int kJobSize = 2 << 20;
constexpr int kOverlapLog = 9;

struct CCtxFree {
  void operator()(ZSTD_CCtx* cctx) const { ZSTD_freeCCtx(cctx); }
};
using CCtx = std::unique_ptr<ZSTD_CCtx, CCtxFree>;

Status Check(size_t code, const char* what) {
  if (ZSTD_isError(code)) {
    return Fail(std::string("zstd: ") + what + ": " + ZSTD_getErrorName(code));
  }
  return Ok();
}

class ZstdEncoder : public BlockEncoder {
 public:
  explicit ZstdEncoder(CCtx cctx)
      : cctx_(std::move(cctx)),
        out_capacity_(ZSTD_CStreamOutSize()),
        out_(std::make_unique_for_overwrite<uint8_t[]>(out_capacity_)) {}

  int parallelism() const override { return 1; }

  Status Encode(int, Block&) override { return Ok(); }

  Status Emit(Block& block, BlobOutput& output) override {
    ZSTD_inBuffer in{block.data.get(), block.size, 0};
    while (in.pos < in.size) {
      ZL_RETURN_IF_ERROR(Step(in, ZSTD_e_continue, output));
    }
    return Ok();
  }

  Status Finish(BlobOutput& output) override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    while (true) {
      ZL_ASSIGN_OR_RETURN(size_t remaining, Step(in, ZSTD_e_end, output));
      if (remaining == 0) return Ok();
    }
  }

 private:
  // One compressStream2 call, forwarding what it produced.
  Result<size_t> Step(ZSTD_inBuffer& in, ZSTD_EndDirective mode,
                      BlobOutput& output) {
    ZSTD_outBuffer out{out_.get(), out_capacity_, 0};
    size_t code = ZSTD_compressStream2(cctx_.get(), &out, &in, mode);
    ZL_RETURN_IF_ERROR(Check(code, "compress"));
    ZL_RETURN_IF_ERROR(output.Write({out_.get(), out.pos}));
    return code;
  }

  CCtx cctx_;
  size_t out_capacity_;
  std::unique_ptr<uint8_t[]> out_;
};

}  // namespace

Result<std::unique_ptr<BlockEncoder>> MakeZstdEncoder(int level, int threads) {
  if (level < 1 || level > kMaxLevel) {
    return Fail("zstd compression level " + std::to_string(level) +
                    " is out of range (1-" + std::to_string(kMaxLevel) + ")",
                ErrorKind::kUsage);
  }
  CCtx cctx(ZSTD_createCCtx());
  if (!cctx) return Fail("zstd: cannot allocate a compression context");
  ZL_RETURN_IF_ERROR(
      Check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level),
            "set level"));
  ZL_RETURN_IF_ERROR(
      Check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1),
            "enable checksums"));
  ZL_RETURN_IF_ERROR(
      Check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_jobSize, kJobSize),
            "set job size"));
  ZL_RETURN_IF_ERROR(
      Check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_overlapLog, kOverlapLog),
            "set overlap"));
  // Without worker support the frame would differ from a threaded build's,
  // so that is an error rather than a silent single-threaded fallback.
  size_t code = ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_nbWorkers, threads);
  if (ZSTD_isError(code)) {
    return Fail(std::string("zstd: cannot use ") + std::to_string(threads) +
                    " worker threads: " + ZSTD_getErrorName(code) +
                    " (libzstd built without multithreading?)",
                ErrorKind::kUnsupported);
  }
  return std::make_unique<ZstdEncoder>(std::move(cctx));
}

}  // namespace zlayer::layer
