#include "store/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::store {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

Status MakeDir(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return Ok();
  return FailErrno("mkdir " + path, errno);
}

// Calls `visit(name)` for every entry of `dir` but "." and "..".
template <typename Visit>
Status ForEachEntry(const std::string& dir, Visit visit) {
  DirHandle handle(::opendir(dir.c_str()));
  if (!handle) return FailErrno("open directory " + dir, errno);
  for (;;) {
    errno = 0;
    dirent* entry = ::readdir(handle.get());
    if (entry == nullptr) {
      if (errno != 0) return FailErrno("read directory " + dir, errno);
      return Ok();
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    ZL_RETURN_IF_ERROR(visit(std::string(name)));
  }
}

Status CheckLease(const Lease& lease, const std::string& root) {
  if (lease.held() && lease.root() == root) return Ok();
  return Fail("write blob in " + root + ": no lease on this store is held");
}

}  // namespace

BlobStore::BlobStore(std::string root)
    : root_(std::move(root)),
      blob_dir_(root_ + "/blobs/sha256"),
      temp_dir_(root_ + "/tmp") {}

Status BlobStore::CreateDirs() const {
  ZL_RETURN_IF_ERROR(MakeDir(root_ + "/blobs", 0755));
  ZL_RETURN_IF_ERROR(MakeDir(blob_dir_, 0755));
  return MakeDir(temp_dir_, 0700);
}

std::string BlobStore::BlobPath(const base::Digest& digest) const {
  return blob_dir_ + "/" + std::string(digest.hex());
}

Result<BlobWriter> BlobStore::NewWriter(const Lease& lease) const {
  ZL_RETURN_IF_ERROR(CheckLease(lease, root_));
  std::string path = temp_dir_ + "/blob-XXXXXX";
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return FailErrno("create temporary blob in " + temp_dir_, errno);
  return BlobWriter(blob_dir_, std::move(path), base::UniqueFd(fd));
}

Result<base::Digest> BlobStore::Put(
    const Lease& lease, std::string_view bytes,
    const std::optional<base::Digest>& expected) const {
  ZL_ASSIGN_OR_RETURN(BlobWriter writer, NewWriter(lease));
  ZL_RETURN_IF_ERROR(writer.Write(bytes));
  return writer.Commit(expected);
}

Result<base::UniqueFd> BlobStore::Open(const base::Digest& digest) const {
  auto fd = base::OpenFile(BlobPath(digest), O_RDONLY);
  if (!fd && fd.error().errno_value() == ENOENT) {
    return Fail("blob " + digest.ToString() + " not found",
                ErrorKind::kNotFound);
  }
  return fd;
}

Result<std::string> BlobStore::Read(const base::Digest& digest,
                                    uint64_t max_size) const {
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd, Open(digest));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return FailErrno("stat " + BlobPath(digest), errno);
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    return Fail("blob " + digest.ToString() + " is " +
                    std::to_string(st.st_size) + " bytes, more than the " +
                    std::to_string(max_size) + " allowed here",
                ErrorKind::kInvalid);
  }
  ZL_ASSIGN_OR_RETURN(std::string data,
                      base::ReadAll(fd.get(), BlobPath(digest)));
  base::Digest actual = base::Digest::Of(data);
  if (actual != digest) {
    return Fail("blob " + digest.ToString() +
                    " is corrupt: content hashes to " + actual.ToString(),
                ErrorKind::kInvalid);
  }
  return data;
}

Result<bool> BlobStore::Has(const base::Digest& digest) const {
  auto size = Size(digest);
  if (size) return true;
  if (size.error().kind() == ErrorKind::kNotFound) return false;
  return std::unexpected(size.error());
}

Result<uint64_t> BlobStore::Size(const base::Digest& digest) const {
  struct stat st;
  std::string path = BlobPath(digest);
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return Fail("blob " + digest.ToString() + " not found",
                  ErrorKind::kNotFound);
    }
    return FailErrno("stat " + path, errno);
  }
  return static_cast<uint64_t>(st.st_size);
}

Status BlobStore::Verify(const base::Digest& digest) const {
  ZL_RETURN_IF_ERROR(Size(digest));  // a missing blob is kNotFound
  ZL_ASSIGN_OR_RETURN(std::string hex, base::Sha256File(BlobPath(digest)));
  if (hex != digest.hex()) {
    return Fail("blob " + digest.ToString() +
                    " is corrupt: content hashes to sha256:" + hex,
                ErrorKind::kInvalid);
  }
  return Ok();
}

Result<BlobListing> BlobStore::List() const {
  BlobListing listing;
  ZL_RETURN_IF_ERROR(
      ForEachEntry(blob_dir_, [&](const std::string& name) -> Status {
        auto digest = base::Digest::FromHex(name);
        struct stat st;
        std::string path = blob_dir_ + "/" + name;
        if (::lstat(path.c_str(), &st) != 0) {
          // Removed by a concurrent collector between readdir and lstat.
          if (errno == ENOENT) return Ok();
          return FailErrno("stat " + path, errno);
        }
        if (!digest || !S_ISREG(st.st_mode)) {
          listing.strays.push_back(path);
        } else {
          listing.blobs.push_back({*digest, static_cast<uint64_t>(st.st_size)});
        }
        return Ok();
      }));
  return listing;
}

Status BlobStore::Remove(const base::Digest& digest) const {
  std::string path = BlobPath(digest);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return FailErrno("remove " + path, errno);
  }
  return Ok();
}

Result<std::pair<int64_t, uint64_t>> BlobStore::SweepTemp() const {
  int64_t files = 0;
  uint64_t bytes = 0;
  ZL_RETURN_IF_ERROR(
      ForEachEntry(temp_dir_, [&](const std::string& name) -> Status {
        // Builds' scratch space; the Store sweeps its contents.
        if (name == kWorkDirName) return Ok();
        std::string path = temp_dir_ + "/" + name;
        struct stat st;
        if (::lstat(path.c_str(), &st) != 0) {
          if (errno == ENOENT) return Ok();
          return FailErrno("stat " + path, errno);
        }
        if (S_ISDIR(st.st_mode)) {
          ZL_RETURN_IF_ERROR(base::RemoveTree(path));
        } else if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
          return FailErrno("remove stale temporary file " + path, errno);
        }
        bytes += static_cast<uint64_t>(st.st_size);
        ++files;
        return Ok();
      }));
  if (files > 0) ZL_RETURN_IF_ERROR(SyncDirectory(temp_dir_));
  return std::make_pair(files, bytes);
}

}  // namespace zlayer::store
