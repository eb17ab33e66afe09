#include "imageio/blob_copy.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "base/unique_fd.h"
#include "layer/block_encoder.h"
#include "layer/block_pipeline.h"

namespace zlayer::imageio {
namespace {

constexpr size_t kChunkSize = 1 << 20;
constexpr int kGzipLevel = 6;
constexpr size_t kBlockSize = 1 << 20;

struct ReadArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

Result<std::unique_ptr<archive, ReadArchiveDeleter>> OpenRaw(
    const std::string& path) {
  std::unique_ptr<archive, ReadArchiveDeleter> a(archive_read_new());
  if (!a) return Fail("decompress " + path + ": out of memory");
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_format_raw(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), kChunkSize) !=
      ARCHIVE_OK) {
    return Fail("decompress " + path + ": " + archive_error_string(a.get()),
                ErrorKind::kInvalid);
  }
  return a;
}

}  // namespace

Status ReadFileChunks(const std::string& path, const ChunkSink& sink) {
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return FailErrno("open " + path, errno);
  std::vector<char> buffer(kChunkSize);
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("read " + path, errno);
    if (n == 0) return Ok();
    ZL_RETURN_IF_ERROR(sink(std::string_view(buffer.data(), n)));
  }
}

Status DecompressFile(const std::string& path, const ChunkSink& sink) {
  ZL_ASSIGN_OR_RETURN(auto a, OpenRaw(path));
  archive_entry* entry = nullptr;
  int rc = archive_read_next_header(a.get(), &entry);
  if (rc == ARCHIVE_EOF) return Ok();  // an empty file
  if (rc != ARCHIVE_OK) {
    return Fail("decompress " + path + ": " + archive_error_string(a.get()),
                ErrorKind::kInvalid);
  }
  if (archive_filter_count(a.get()) > 2) {
    return Fail("decompress " + path + ": nested compression is not accepted",
                ErrorKind::kInvalid);
  }
  std::vector<char> buffer(kChunkSize);
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
    if (n < 0) {
      return Fail("decompress " + path + ": " + archive_error_string(a.get()),
                  ErrorKind::kInvalid);
    }
    if (n == 0) return Ok();
    ZL_RETURN_IF_ERROR(sink(std::string_view(buffer.data(), n)));
  }
}

Status CopyFileToStore(const store::BlobStore& blobs, const store::Lease& lease,
                       const std::string& path, const base::Digest& expected,
                       int64_t expected_size, std::string_view what) {
  ZL_ASSIGN_OR_RETURN(store::BlobWriter writer, blobs.NewWriter(lease));
  ZL_RETURN_IF_ERROR(ReadFileChunks(
      path, [&](std::string_view chunk) { return writer.Write(chunk); }));
  if (expected_size >= 0 &&
      writer.size() != static_cast<uint64_t>(expected_size)) {
    return Fail(std::string(what) + " " + expected.ToString() + ": size " +
                    std::to_string(writer.size()) + " differs from the " +
                    std::to_string(expected_size) +
                    " bytes its descriptor "
                    "names",
                ErrorKind::kInvalid);
  }
  ZL_RETURN_IF_ERROR(WithContext(
      writer.Commit(expected), std::string(what) + " " + expected.ToString()));
  return Ok();
}

Result<base::Digest> LayerDiffId(const std::string& path) {
  base::Sha256 hash;
  ZL_RETURN_IF_ERROR(DecompressFile(path, [&](std::string_view chunk) {
    hash.Update(chunk);
    return Ok();
  }));
  return base::Digest::FromBytes(hash.Finish());
}

layer::Sink BlobWriterSink(store::BlobWriter& writer) {
  return [&writer](std::span<const uint8_t> data) {
    return writer.Write(std::string_view(
        reinterpret_cast<const char*>(data.data()), data.size()));
  };
}

Result<layer::LayerResult> StoreTarAsGzip(const store::BlobStore& blobs,
                                          const store::Lease& lease,
                                          const std::string& path) {
  ZL_ASSIGN_OR_RETURN(store::BlobWriter writer, blobs.NewWriter(lease));
  int threads = layer::DefaultLayerThreads();
  ZL_ASSIGN_OR_RETURN(std::unique_ptr<layer::BlockEncoder> encoder,
                      layer::MakeGzipEncoder(kGzipLevel, threads, kBlockSize));
  size_t max_blocks = 2 * static_cast<size_t>(encoder->parallelism()) + 2;
  layer::BlockPipeline pipeline(std::move(encoder), BlobWriterSink(writer),
                                kBlockSize, max_blocks);
  ZL_RETURN_IF_ERROR(DecompressFile(path, [&](std::string_view chunk) {
    return pipeline.Write(std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()));
  }));
  ZL_ASSIGN_OR_RETURN(layer::PipelineResult written, pipeline.Finish());
  ZL_RETURN_IF_ERROR(writer.Commit(written.digest));
  layer::LayerResult result;
  result.diff_id = written.diff_id;
  result.digest = written.digest;
  result.compressed_size = written.compressed_size;
  result.uncompressed_size = written.uncompressed_size;
  result.media_type = std::string(oci::kOciLayerGzip);
  return result;
}

}  // namespace zlayer::imageio
