// Test support: reading a layer back with libarchive, an independent tar
// implementation, so tests check what readers see rather than our own
// idea of the format. Any compression libarchive knows is undone first.
#ifndef ZLAYER_LAYER_TEST_ARCHIVE_H_
#define ZLAYER_LAYER_TEST_ARCHIVE_H_

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <clocale>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::layer::testing {

struct ReadEntry {
  std::string path;
  mode_t type = 0;  // AE_IFREG, AE_IFDIR, ...
  mode_t perm = 0;  // 07777 bits
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t size = 0;
  int64_t mtime = 0;
  bool has_atime = false;
  bool has_ctime = false;
  std::string uname;
  std::string gname;
  std::string symlink;
  std::string hardlink;
  unsigned devmajor = 0;
  unsigned devminor = 0;
  std::map<std::string, std::string> xattrs;
  std::string content;
};

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

inline ReadEntry ConvertEntry(struct archive* a, struct archive_entry* e) {
  ReadEntry r;
  r.path = archive_entry_pathname(e);
  r.type = archive_entry_filetype(e);
  r.perm = archive_entry_perm(e) | (archive_entry_mode(e) & 07000);
  r.uid = archive_entry_uid(e);
  r.gid = archive_entry_gid(e);
  r.size = archive_entry_size(e);
  r.mtime = archive_entry_mtime(e);
  r.has_atime = archive_entry_atime_is_set(e);
  r.has_ctime = archive_entry_ctime_is_set(e);
  if (const char* s = archive_entry_uname(e)) r.uname = s;
  if (const char* s = archive_entry_gname(e)) r.gname = s;
  if (const char* s = archive_entry_symlink(e)) r.symlink = s;
  if (const char* s = archive_entry_hardlink(e)) r.hardlink = s;
  r.devmajor = archive_entry_rdevmajor(e);
  r.devminor = archive_entry_rdevminor(e);
  archive_entry_xattr_reset(e);
  const char* name;
  const void* value;
  size_t size;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
    r.xattrs[name] = std::string(static_cast<const char*>(value), size);
  }
  char buf[65536];
  la_ssize_t n;
  while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
    r.content.append(buf, static_cast<size_t>(n));
  }
  return r;
}

// Every entry of `blob`, or an error with libarchive's message.
inline Result<std::vector<ReadEntry>> ReadArchive(const std::string& blob) {
  // libarchive converts PAX (UTF-8) names to the locale's charset and
  // fails under the C locale.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  std::unique_ptr<struct archive, ArchiveFree> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), blob.data(), blob.size()) !=
      ARCHIVE_OK) {
    return Fail(std::string("libarchive: ") + archive_error_string(a.get()));
  }
  std::vector<ReadEntry> entries;
  struct archive_entry* e;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    entries.push_back(ConvertEntry(a.get(), e));
  }
  if (rc != ARCHIVE_EOF) {
    return Fail(std::string("libarchive: ") + archive_error_string(a.get()));
  }
  return entries;
}

inline std::vector<std::string> PathsOf(const std::vector<ReadEntry>& entries) {
  std::vector<std::string> paths;
  for (const ReadEntry& e : entries) paths.push_back(e.path);
  return paths;
}

inline const ReadEntry* FindEntry(const std::vector<ReadEntry>& entries,
                                  const std::string& path) {
  for (const ReadEntry& e : entries) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

}  // namespace zlayer::layer::testing

#endif  // ZLAYER_LAYER_TEST_ARCHIVE_H_
