#include "extract/layer_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "extract/entry_name.h"

namespace zlayer::extract {
namespace {

constexpr size_t kBlockSize = 64 * 1024;
// "none" plus at most one real decompressor.
constexpr int kMaxFilters = 2;
// chown(2) reads (uid_t)-1 as "leave unchanged", so it is no real id.
constexpr int64_t kMaxId = std::numeric_limits<uint32_t>::max() - 1;

std::string_view ErrorText(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

Status EnableFilters(archive* a) {
  using Enable = int (*)(archive*);
  constexpr std::pair<const char*, Enable> kFilters[] = {
      {"gzip", archive_read_support_filter_gzip},
      {"bzip2", archive_read_support_filter_bzip2},
      {"xz", archive_read_support_filter_xz},
      {"zstd", archive_read_support_filter_zstd},
  };
  // ARCHIVE_WARN means "through an external program", which still works.
  for (const auto& [name, enable] : kFilters) {
    if (enable(a) < ARCHIVE_WARN) {
      return Fail(std::string("libarchive lacks ") + name +
                      " support: " + std::string(ErrorText(a)),
                  ErrorKind::kUnsupported);
    }
  }
  return Ok();
}

Result<Timestamp> EntryTime(std::string_view field, int64_t seconds,
                            long nanoseconds) {
  if (nanoseconds < 0 || nanoseconds >= 1'000'000'000) {
    return Fail("invalid " + std::string(field) + " nanoseconds",
                ErrorKind::kInvalid);
  }
  return Timestamp{seconds, static_cast<int32_t>(nanoseconds)};
}

Result<EntryType> TypeOf(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return EntryType::kHardlink;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      return EntryType::kRegular;
    case AE_IFDIR:
      return EntryType::kDirectory;
    case AE_IFLNK:
      return EntryType::kSymlink;
    case AE_IFCHR:
      return EntryType::kCharDevice;
    case AE_IFBLK:
      return EntryType::kBlockDevice;
    case AE_IFIFO:
      return EntryType::kFifo;
    default:
      return Fail("unsupported entry type (socket or unknown)",
                  ErrorKind::kInvalid);
  }
}

Result<uint32_t> Id(std::string_view field, int64_t value) {
  if (value < 0 || value > kMaxId) {
    return Fail("invalid " + std::string(field) + " " + std::to_string(value),
                ErrorKind::kInvalid);
  }
  return static_cast<uint32_t>(value);
}

}  // namespace

void ArchiveDeleter::operator()(archive* a) const { archive_read_free(a); }

LayerReader::~LayerReader() = default;

Result<std::unique_ptr<LayerReader>> LayerReader::Open(
    const LayerSource& source) {
  // The inner reader keeps a pointer to the reader, so it must not move.
  std::unique_ptr<LayerReader> reader(new LayerReader(source.Describe()));
  ZL_RETURN_IF_ERROR(reader->OpenOuter(source));
  ZL_RETURN_IF_ERROR(reader->OpenInner());
  return reader;
}

Status LayerReader::OpenOuter(const LayerSource& source) {
  int fd = source.fd();
  if (fd < 0) {
    ZL_ASSIGN_OR_RETURN(owned_fd_, base::OpenFile(source.path(), O_RDONLY));
    fd = owned_fd_.get();
  }
  outer_.reset(archive_read_new());
  if (!outer_) return Fail("archive_read_new: out of memory");
  ZL_RETURN_IF_ERROR(EnableFilters(outer_.get()));
  archive_read_support_format_raw(outer_.get());
  archive_entry* raw = nullptr;
  if (archive_read_open_fd(outer_.get(), fd, kBlockSize) != ARCHIVE_OK ||
      archive_read_next_header(outer_.get(), &raw) != ARCHIVE_OK) {
    // The raw format accepts any byte, so only empty input is unrecognized
    // (libarchive's ARCHIVE_ERRNO_FILE_FORMAT is EILSEQ on Linux).
    if (archive_errno(outer_.get()) == EILSEQ) {
      return Fail("layer " + description_ + " is empty", ErrorKind::kInvalid);
    }
    return Fail("read layer " + description_ + ": " +
                    std::string(ErrorText(outer_.get())),
                ErrorKind::kInvalid);
  }
  if (archive_filter_count(outer_.get()) > kMaxFilters) {
    return Fail("layer " + description_ +
                    ": nested compression is not supported (" +
                    archive_filter_name(outer_.get(), 0) + " inside " +
                    archive_filter_name(outer_.get(), 1) + ")",
                ErrorKind::kInvalid);
  }
  return Ok();
}

Status LayerReader::OpenInner() {
  inner_.reset(archive_read_new());
  if (!inner_) return Fail("archive_read_new: out of memory");
  archive_read_support_format_tar(inner_.get());
  if (archive_read_open(inner_.get(), this, nullptr, &PullDecompressed,
                        nullptr) != ARCHIVE_OK) {
    return Fail(InnerError("read layer " + description_ + " as tar"),
                ErrorKind::kInvalid);
  }
  return Ok();
}

ssize_t LayerReader::PullDecompressed(archive* inner, void* self,
                                      const void** buffer) {
  auto* reader = static_cast<LayerReader*>(self);
  while (!reader->outer_done_) {
    size_t size = 0;
    la_int64_t offset = 0;
    int status =
        archive_read_data_block(reader->outer_.get(), buffer, &size, &offset);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) {
      reader->outer_error_ = ErrorText(reader->outer_.get());
      archive_set_error(inner, EIO, "%s", reader->outer_error_.c_str());
      return -1;
    }
    if (size == 0) continue;
    reader->hash_.Update(
        std::string_view(static_cast<const char*>(*buffer), size));
    reader->uncompressed_size_ += size;
    return static_cast<ssize_t>(size);
  }
  reader->outer_done_ = true;
  return 0;
}

std::string LayerReader::InnerError(std::string_view what) const {
  std::string message(what);
  message += ": ";
  message += outer_error_.empty() ? ErrorText(inner_.get()) : outer_error_;
  return message;
}

Result<std::optional<LayerEntry>> LayerReader::Next() {
  int status = archive_read_next_header(inner_.get(), &current_);
  if (status == ARCHIVE_EOF) {
    current_ = nullptr;
    return std::nullopt;
  }
  if (status < ARCHIVE_WARN) {
    current_ = nullptr;
    std::string what = "read tar header";
    if (!last_path_.empty()) what += " after entry " + Quote(last_path_);
    return Fail(InnerError(what), ErrorKind::kInvalid);
  }
  // ARCHIVE_WARN: e.g. a UTF-8 name the C locale cannot convert; libarchive
  // then hands out the raw bytes, which is what the filesystem wants.
  Result<LayerEntry> entry = ConvertCurrent();
  if (entry) last_path_ = entry->path;
  return entry;
}

Result<LayerEntry> LayerReader::ConvertCurrent() {
  archive_entry* e = current_;
  LayerEntry out;
  const char* path = archive_entry_pathname(e);
  if (path == nullptr) path = archive_entry_pathname_utf8(e);
  if (path == nullptr) return Fail("entry without a name", ErrorKind::kInvalid);
  out.path = path;
  auto context = [&](Error error) {
    error.AddContext("layer entry " + Quote(out.path));
    return std::unexpected(std::move(error));
  };
  Result<EntryType> type = TypeOf(e);
  if (!type) return context(type.error());
  out.type = *type;
  out.mode = archive_entry_perm(e) & 07777;
  Result<uint32_t> uid = Id("uid", archive_entry_uid(e));
  if (!uid) return context(uid.error());
  Result<uint32_t> gid = Id("gid", archive_entry_gid(e));
  if (!gid) return context(gid.error());
  out.uid = *uid;
  out.gid = *gid;
  out.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
  if (out.size < 0) return context(Error("negative size", ErrorKind::kInvalid));
  if ((out.has_mtime = archive_entry_mtime_is_set(e))) {
    Result<Timestamp> t =
        EntryTime("mtime", archive_entry_mtime(e), archive_entry_mtime_nsec(e));
    if (!t) return context(t.error());
    out.mtime = *t;
  }
  if ((out.has_atime = archive_entry_atime_is_set(e))) {
    Result<Timestamp> t =
        EntryTime("atime", archive_entry_atime(e), archive_entry_atime_nsec(e));
    if (!t) return context(t.error());
    out.atime = *t;
  }
  const char* link = out.type == EntryType::kHardlink
                         ? archive_entry_hardlink(e)
                         : archive_entry_symlink(e);
  if (link != nullptr) out.link_target = link;
  out.dev_major = archive_entry_rdevmajor(e);
  out.dev_minor = archive_entry_rdevminor(e);
  archive_entry_xattr_reset(e);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
    out.xattrs.emplace_back(name,
                            std::string(static_cast<const char*>(value), size));
  }
  return out;
}

Status LayerReader::ReadData(const DataSink& sink) {
  while (true) {
    const void* buffer = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int status = archive_read_data_block(inner_.get(), &buffer, &size, &offset);
    if (status == ARCHIVE_EOF) return Ok();
    if (status < ARCHIVE_WARN) {
      return Fail(InnerError("read data"), ErrorKind::kInvalid);
    }
    if (size == 0) continue;
    ZL_RETURN_IF_ERROR(
        sink(offset, std::string_view(static_cast<const char*>(buffer), size)));
  }
}

Status LayerReader::Finish() {
  const void* buffer = nullptr;
  while (PullDecompressed(inner_.get(), this, &buffer) > 0) {
  }
  if (!outer_error_.empty()) {
    return Fail("read layer " + description_ + ": " + outer_error_,
                ErrorKind::kInvalid);
  }
  diff_id_ = base::Digest::FromBytes(hash_.Finish());
  return Ok();
}

}  // namespace zlayer::extract
