#include "layer/tar_writer.h"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace zlayer::layer {
namespace {

TarType TypeOf(EntryKind kind) {
  switch (kind) {
    case EntryKind::kDirectory:
      return TarType::kDirectory;
    case EntryKind::kSymlink:
      return TarType::kSymlink;
    case EntryKind::kCharDevice:
      return TarType::kCharDevice;
    case EntryKind::kBlockDevice:
      return TarType::kBlockDevice;
    case EntryKind::kFifo:
      return TarType::kFifo;
    case EntryKind::kRegular:
    case EntryKind::kWhiteout:
    case EntryKind::kOpaque:
      break;
  }
  return TarType::kRegular;
}

constexpr uint8_t kZeros[kTarBlockSize] = {};

}  // namespace

TarWriter::TarWriter(BlockPipeline& out, std::string root,
                     std::optional<int64_t> clamp_mtime)
    : out_(out), root_(std::move(root)), clamp_mtime_(clamp_mtime) {}

std::string TarWriter::SourcePath(const Entry& entry) const {
  return root_ + "/" + entry.path;
}

void TarWriter::FillHeader(const Entry& entry) {
  const struct stat& st = entry.st;
  TarHeader& h = header_;
  h.name = entry.path;
  h.linkname.clear();
  h.type = TypeOf(entry.kind);
  h.mode = st.st_mode & 07777;
  h.uid = st.st_uid;
  h.gid = st.st_gid;
  h.size = 0;
  h.mtime = st.st_mtim.tv_sec;
  if (clamp_mtime_) h.mtime = std::min<int64_t>(h.mtime, *clamp_mtime_);
  h.devmajor = 0;
  h.devminor = 0;
  h.xattrs = entry.xattrs;
  switch (entry.kind) {
    case EntryKind::kDirectory:
      h.name += '/';
      break;
    case EntryKind::kSymlink:
      h.linkname = entry.link_target;
      break;
    case EntryKind::kCharDevice:
    case EntryKind::kBlockDevice:
      h.devmajor = major(st.st_rdev);
      h.devminor = minor(st.st_rdev);
      break;
    case EntryKind::kRegular:
      h.size = static_cast<uint64_t>(st.st_size);
      break;
    case EntryKind::kFifo:
    case EntryKind::kWhiteout:
    case EntryKind::kOpaque:
      break;
  }
}

Status TarWriter::Add(const Entry& entry) {
  FillHeader(entry);
  bool linkable = entry.kind != EntryKind::kDirectory &&
                  entry.kind != EntryKind::kWhiteout &&
                  entry.kind != EntryKind::kOpaque;
  bool is_link = false;
  if (linkable && entry.st.st_nlink > 1) {
    auto [it, first] = links_.try_emplace(
        std::make_pair(entry.st.st_dev, entry.st.st_ino), entry.path);
    if (!first) {
      header_.type = TarType::kHardlink;
      header_.linkname = it->second;
      header_.size = 0;
      is_link = true;
    }
  }
  encoded_.clear();
  Status encoded = AppendTarHeader(header_, encoded_);
  if (!encoded) {
    return std::unexpected(encoded.error().AddContext(SourcePath(entry)));
  }
  ZL_RETURN_IF_ERROR(out_.Write(
      {reinterpret_cast<const uint8_t*>(encoded_.data()), encoded_.size()}));
  if (is_link || header_.size == 0) return Ok();
  return WriteContents(entry);
}

Status TarWriter::WriteContents(const Entry& entry) {
  // O_NONBLOCK: a FIFO swapped in since the listing must not hang us.
  int fd_raw = ::openat(entry.dir_fd, entry.source_name,
                        O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd_raw < 0) return FailErrno("open " + SourcePath(entry), errno);
  base::UniqueFd fd(fd_raw);
  uint64_t remaining = header_.size;
  while (remaining > 0) {
    ZL_ASSIGN_OR_RETURN(std::span<uint8_t> space, out_.Space());
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(space.size(), remaining));
    ssize_t n = ::read(fd.get(), space.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("read " + SourcePath(entry), errno);
    }
    if (n == 0) {
      return Fail("read " + SourcePath(entry) + ": file shrank from " +
                      std::to_string(header_.size) + " to " +
                      std::to_string(header_.size - remaining) +
                      " bytes while being archived",
                  ErrorKind::kIo);
    }
    ZL_RETURN_IF_ERROR(out_.Commit(static_cast<size_t>(n)));
    remaining -= static_cast<uint64_t>(n);
  }
  return WriteZeros(TarPadding(header_.size));
}

Status TarWriter::WriteZeros(size_t n) {
  while (n > 0) {
    size_t chunk = std::min(n, sizeof(kZeros));
    ZL_RETURN_IF_ERROR(out_.Write({kZeros, chunk}));
    n -= chunk;
  }
  return Ok();
}

Status TarWriter::Finish() { return WriteZeros(kTarTrailerSize); }

}  // namespace zlayer::layer
