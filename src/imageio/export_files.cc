#include "imageio/export_files.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "imageio/blob_copy.h"

namespace zlayer::imageio {
namespace {

std::string ParentOf(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

std::string BaseName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

Status CopyFile(const std::string& source, const std::string& dest) {
  base::UniqueFd out(
      ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!out) return FailErrno("create " + dest, errno);
  ZL_RETURN_IF_ERROR(ReadFileChunks(source, [&](std::string_view chunk) {
    return base::WriteAll(out.get(), chunk, dest);
  }));
  if (::fsync(out.get()) != 0) return FailErrno("fsync " + dest, errno);
  return out.Close(dest);
}

Status PlaceFile(const ExportFile& file, const std::string& dest) {
  if (file.directory) {
    if (::mkdir(dest.c_str(), 0755) != 0) {
      return FailErrno("create " + dest, errno);
    }
    return Ok();
  }
  if (file.source.empty()) return base::WriteFileAtomic(dest, file.content);
  if (::link(file.source.c_str(), dest.c_str()) == 0) return Ok();
  // Another filesystem, or one refusing hard links (protected_hardlinks
  // for a non-owner): copy instead.
  if (errno != EXDEV && errno != EPERM && errno != EMLINK) {
    return FailErrno("link " + file.source + " to " + dest, errno);
  }
  return CopyFile(file.source, dest);
}

// Makes room for a rename onto `path`: nothing there, or an empty
// directory, which goes.
Status ClearDestination(const std::string& path, bool want_directory) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Ok();
    return FailErrno("stat " + path, errno);
  }
  if (want_directory) {
    if (S_ISDIR(st.st_mode) && ::rmdir(path.c_str()) == 0) return Ok();
    return Fail(path + " already exists and is not an empty directory");
  }
  if (S_ISDIR(st.st_mode)) return Fail(path + " is a directory");
  return Ok();
}

struct WriteArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

Status ArchiveFail(archive* a, const std::string& what) {
  const char* message = archive_error_string(a);
  return Fail(what + ": " + (message ? message : "unknown libarchive error"));
}

Status WriteEntry(archive* a, const ExportFile& file) {
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), file.name.c_str());
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_mtime(entry.get(), 0, 0);
  int64_t size = static_cast<int64_t>(file.content.size());
  if (file.directory) {
    archive_entry_set_filetype(entry.get(), AE_IFDIR);
    archive_entry_set_perm(entry.get(), 0755);
    size = 0;
  } else {
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    if (!file.source.empty()) {
      struct stat st;
      if (::stat(file.source.c_str(), &st) != 0) {
        return FailErrno("stat " + file.source, errno);
      }
      size = st.st_size;
    }
  }
  archive_entry_set_size(entry.get(), size);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
    return ArchiveFail(a, "write tar header for " + file.name);
  }
  auto write = [&](std::string_view chunk) -> Status {
    if (archive_write_data(a, chunk.data(), chunk.size()) < 0) {
      return ArchiveFail(a, "write " + file.name);
    }
    return Ok();
  };
  if (file.directory) return Ok();
  if (file.source.empty()) return write(file.content);
  return ReadFileChunks(file.source, write);
}

}  // namespace

Status WriteExportDirectory(const std::vector<ExportFile>& files,
                            const std::string& path) {
  ZL_RETURN_IF_ERROR(ClearDestination(path, true));
  ZL_ASSIGN_OR_RETURN(
      base::TempDir temp,
      base::TempDir::Create(ParentOf(path), "." + BaseName(path) + ".tmp-"));
  if (::chmod(temp.path().c_str(), 0755) != 0) {
    return FailErrno("chmod " + temp.path(), errno);
  }
  for (const ExportFile& file : files) {
    ZL_RETURN_IF_ERROR(PlaceFile(file, temp.path() + "/" + file.name));
  }
  if (::rename(temp.path().c_str(), path.c_str()) != 0) {
    return FailErrno("rename " + temp.path() + " to " + path, errno);
  }
  temp.Release();
  return Ok();
}

Status WriteExportArchive(const std::vector<ExportFile>& files,
                          const std::string& path) {
  ZL_RETURN_IF_ERROR(ClearDestination(path, false));
  ZL_ASSIGN_OR_RETURN(
      base::TempDir temp,
      base::TempDir::Create(ParentOf(path), "." + BaseName(path) + ".tmp-"));
  std::string temp_file = temp.path() + "/archive.tar";
  base::UniqueFd fd(
      ::open(temp_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) return FailErrno("create " + temp_file, errno);
  std::unique_ptr<archive, WriteArchiveDeleter> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open_fd(a.get(), fd.get()) != ARCHIVE_OK) {
    return ArchiveFail(a.get(), "open " + temp_file);
  }
  for (const ExportFile& file : files) {
    ZL_RETURN_IF_ERROR(WriteEntry(a.get(), file));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return ArchiveFail(a.get(), "finish " + temp_file);
  }
  if (::fsync(fd.get()) != 0) return FailErrno("fsync " + temp_file, errno);
  ZL_RETURN_IF_ERROR(fd.Close(temp_file));
  if (::rename(temp_file.c_str(), path.c_str()) != 0) {
    return FailErrno("rename " + temp_file + " to " + path, errno);
  }
  return Ok();
}

}  // namespace zlayer::imageio
