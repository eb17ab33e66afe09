#include "store/blob_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/file_io.h"

namespace zlayer::store {
namespace {

Status SyncFd(int fd, const std::string& name) {
  while (::fsync(fd) != 0) {
    if (errno == EINVAL) return Ok();
    if (errno != EINTR) return FailErrno("fsync " + name, errno);
  }
  return Ok();
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd,
                      base::OpenFile(dir, O_RDONLY | O_DIRECTORY));
  return SyncFd(fd.get(), dir);
}

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : blob_dir_(std::move(other.blob_dir_)),
      temp_path_(std::exchange(other.temp_path_, std::string())),
      fd_(std::move(other.fd_)),
      hash_(std::move(other.hash_)),
      size_(other.size_) {}

BlobWriter& BlobWriter::operator=(BlobWriter&& other) noexcept {
  if (this != &other) {
    Abort();
    blob_dir_ = std::move(other.blob_dir_);
    temp_path_ = std::exchange(other.temp_path_, std::string());
    fd_ = std::move(other.fd_);
    hash_ = std::move(other.hash_);
    size_ = other.size_;
  }
  return *this;
}

BlobWriter::~BlobWriter() { Abort(); }

void BlobWriter::Abort() {
  fd_.reset();
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

Status BlobWriter::Write(std::string_view data) {
  if (temp_path_.empty()) {
    return Fail("write blob: the writer is already committed or aborted");
  }
  ZL_RETURN_IF_ERROR(base::WriteAll(fd_.get(), data, temp_path_));
  hash_.Update(data);
  size_ += data.size();
  return Ok();
}

Result<base::Digest> BlobWriter::Commit(
    const std::optional<base::Digest>& expected) {
  if (temp_path_.empty()) {
    return Fail("commit blob: the writer is already committed or aborted");
  }
  base::Digest digest = base::Digest::FromBytes(hash_.Finish());
  if (expected && *expected != digest) {
    Abort();
    return Fail("blob digest mismatch: expected " + expected->ToString() +
                    ", content (" + std::to_string(size_) +
                    " bytes) hashes to " + digest.ToString(),
                ErrorKind::kInvalid);
  }
  auto finished = Finish(blob_dir_ + "/" + std::string(digest.hex()));
  Abort();  // removes the temporary file unless Finish renamed it
  if (!finished) {
    return std::unexpected(
        finished.error().AddContext("commit blob " + digest.ToString()));
  }
  return digest;
}

Status BlobWriter::Finish(const std::string& final_path) {
  // Blobs are immutable; a read-only mode keeps tools from editing them.
  if (::fchmod(fd_.get(), 0444) != 0) {
    return FailErrno("chmod " + temp_path_, errno);
  }
  ZL_RETURN_IF_ERROR(SyncFd(fd_.get(), temp_path_));
  ZL_RETURN_IF_ERROR(fd_.Close(temp_path_));
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    return FailErrno("rename " + temp_path_ + " to " + final_path, errno);
  }
  temp_path_.clear();
  return SyncDirectory(blob_dir_);
}

}  // namespace zlayer::store
