// Test-only helpers for the extract tests: a tar writer that produces
// exactly the bytes asked for (hostile ones included), compression through
// libarchive, tree snapshots for before/after comparisons, and a fixture
// with a root directory beside an "outside" sentinel directory.
#ifndef ZLAYER_EXTRACT_TAR_TESTING_H_
#define ZLAYER_EXTRACT_TAR_TESTING_H_

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/file_io.h"
#include "base/sha256.h"
#include "base/temp_dir.h"
#include "extract/extract.h"

namespace zlayer::extract::testing {

// A valid security.capability value (v2, CAP_NET_RAW permitted+effective).
inline const std::string kCapNetRaw(
    "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00",
    20);

struct TarEntry {
  std::string name;
  char type = '0';
  uint32_t mode = 0644;
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t mtime = 1700000000;
  std::string linkname;
  std::string data;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  // Extra PAX records, e.g. {"SCHILY.xattr.user.a", "1"}.
  std::vector<std::pair<std::string, std::string>> pax;
  // The size the header claims, when it should differ from data.size().
  std::optional<int64_t> claimed_size;
};

class TarBuilder {
 public:
  TarBuilder& Add(const TarEntry& entry) {
    std::vector<std::pair<std::string, std::string>> pax = entry.pax;
    if (entry.name.size() > 99) pax.emplace_back("path", entry.name);
    if (entry.linkname.size() > 99)
      pax.emplace_back("linkpath", entry.linkname);
    int64_t size = entry.claimed_size.value_or(entry.data.size());
    bool big = size > 077777777777;
    if (big) pax.emplace_back("size", std::to_string(size));
    if (!pax.empty()) {
      std::string records;
      for (const auto& [key, value] : pax) records += PaxRecord(key, value);
      TarEntry header;
      header.name = "PaxHeader";
      header.type = 'x';
      AppendHeader(header, records.size());
      AppendData(records);
    }
    AppendHeader(entry, big ? 0 : size);
    AppendData(entry.data);
    return *this;
  }
  TarBuilder& File(const std::string& name, const std::string& data,
                   uint32_t mode = 0644) {
    return Add({.name = name, .mode = mode, .data = data});
  }
  TarBuilder& Dir(const std::string& name, uint32_t mode = 0755) {
    return Add({.name = name, .type = '5', .mode = mode});
  }
  TarBuilder& Symlink(const std::string& name, const std::string& target) {
    return Add({.name = name, .type = '2', .mode = 0777, .linkname = target});
  }
  TarBuilder& Hardlink(const std::string& name, const std::string& target) {
    return Add({.name = name, .type = '1', .linkname = target});
  }
  TarBuilder& Whiteout(const std::string& name) { return File(name, ""); }
  TarBuilder& Raw(std::string_view bytes) {
    out_ += bytes;
    return *this;
  }

  // The archive with its two end-of-archive blocks.
  std::string Finish() const { return out_ + std::string(1024, '\0'); }
  // Just the entries, as a stream cut short would be.
  const std::string& Unterminated() const { return out_; }

 private:
  static std::string PaxRecord(const std::string& key,
                               const std::string& value) {
    std::string body = " " + key + "=" + value + "\n";
    size_t length = body.size() + 1;
    while (std::to_string(length).size() + body.size() != length) ++length;
    return std::to_string(length) + body;
  }
  // Zero-padded octal digits and a NUL, as ustar numeric fields are.
  static void Octal(char* field, size_t width, uint64_t value) {
    field[width - 1] = '\0';
    for (size_t i = width - 1; i-- > 0; value >>= 3) {
      field[i] = static_cast<char>('0' + (value & 7));
    }
  }
  void AppendHeader(const TarEntry& entry, uint64_t size) {
    char h[512] = {};
    std::snprintf(h, 100, "%s", entry.name.substr(0, 99).c_str());
    Octal(h + 100, 8, entry.mode);
    Octal(h + 108, 8, entry.uid);
    Octal(h + 116, 8, entry.gid);
    Octal(h + 124, 12, size);
    Octal(h + 136, 12, static_cast<uint64_t>(entry.mtime));
    h[156] = entry.type;
    std::snprintf(h + 157, 100, "%s", entry.linkname.substr(0, 99).c_str());
    std::memcpy(h + 257,
                "ustar\0"
                "00",
                8);
    Octal(h + 329, 8, entry.dev_major);
    Octal(h + 337, 8, entry.dev_minor);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    out_.append(h, sizeof(h));
  }
  void AppendData(const std::string& data) {
    out_ += data;
    out_.append((512 - data.size() % 512) % 512, '\0');
  }

  std::string out_;
};

// `data` compressed with libarchive's writer ("gzip", "zstd", "bzip2",
// "xz"); an empty string on failure.
inline std::string Compress(std::string_view data, const std::string& filter) {
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  // No zero padding after the compressed stream: it would end a gzip
  // member list early and is not a valid zstd frame.
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_add_filter_by_name(a, filter.c_str());
  std::string out;
  archive_write_open2(
      a, &out, nullptr,
      [](archive*, void* sink, const void* buffer, size_t size) -> la_ssize_t {
        static_cast<std::string*>(sink)->append(
            static_cast<const char*>(buffer), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr, nullptr);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
  archive_write_header(a, entry);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(entry);
  bool ok = archive_write_close(a) == ARCHIVE_OK;
  archive_write_free(a);
  return ok ? out : std::string();
}

// One line per object below `dir` (the root itself excluded): type, mode,
// owner, size, content hash or link target, xattrs, and with `times` the
// mtime. Hardlinked files show their link count.
inline std::map<std::string, std::string> SnapshotTree(const std::string& dir,
                                                       bool times = false) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string path = it->path().string();
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    std::string line;
    char buffer[128];
    std::snprintf(buffer, sizeof(buffer), "%06o %u:%u nlink=%lu", st.st_mode,
                  st.st_uid, st.st_gid,
                  S_ISDIR(st.st_mode) ? 0ul : (unsigned long)st.st_nlink);
    line = buffer;
    if (S_ISREG(st.st_mode)) {
      line += " sha=" + base::Sha256File(path).value_or("?").substr(0, 16);
    } else if (S_ISLNK(st.st_mode)) {
      line += " -> " + fs::read_symlink(path, ec).string();
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      line += " dev=" + std::to_string(major(st.st_rdev)) + ":" +
              std::to_string(minor(st.st_rdev));
    }
    char names[4096];
    ssize_t n = ::llistxattr(path.c_str(), names, sizeof(names));
    std::map<std::string, std::string> xattrs;  // sorted: list order varies
    for (ssize_t i = 0; i < n; i += std::strlen(names + i) + 1) {
      std::string name = names + i;
      if (name == "security.selinux") continue;
      char value[1024];
      ssize_t len =
          ::lgetxattr(path.c_str(), name.c_str(), value, sizeof(value));
      xattrs[name] = std::string(value, len > 0 ? len : 0);
    }
    for (const auto& [name, value] : xattrs) line += " " + name + "=" + value;
    if (times) {
      line += " mtime=" + std::to_string(st.st_mtim.tv_sec);
    }
    out[path.substr(dir.size())] = line;
  }
  return out;
}

// A scratch area: <base>/root is extracted into, <base>/outside holds
// sentinel files that hostile layers aim at, layers are written elsewhere.
class ExtractFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = base::TempDir::Create("", "zlayer-extract-").value();
    layers_ = base::TempDir::Create("", "zlayer-layers-").value();
    root_ = base_.path() + "/root";
    outside_ = base_.path() + "/outside";
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir(outside_.c_str(), 0755), 0);
    ASSERT_TRUE(base::WriteFileAtomic(outside_ + "/passwd", "root:x:0:0\n"));
    ASSERT_EQ(::mkdir((outside_ + "/dir").c_str(), 0755), 0);
  }

  // Everything in <base> except the root: what no layer may ever touch.
  std::map<std::string, std::string> Outside() const {
    auto all = SnapshotTree(base_.path(), /*times=*/true);
    std::erase_if(all, [](const auto& item) {
      return item.first == "/root" || item.first.starts_with("/root/");
    });
    return all;
  }

  std::string WriteLayer(const std::string& bytes) {
    std::string path =
        layers_.path() + "/layer" + std::to_string(++layer_count_);
    // A plain write: WriteFileAtomic's fsync would slow every test down.
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  Result<ApplyResult> Apply(const std::string& bytes,
                            const ExtractOptions& options = {}) {
    return ApplyLayer(LayerSource::Path(WriteLayer(bytes)), root_, options);
  }

  std::string Read(const std::string& relative) const {
    return base::ReadFile(root_ + "/" + relative).value_or("<missing>");
  }
  // The names in the root, sorted, directories with a trailing '/'.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& [path, line] : SnapshotTree(root_)) {
      names.push_back(path.substr(1) + (line.starts_with("04") ? "/" : ""));
    }
    return names;
  }
  bool Exists(const std::string& relative) const {
    struct stat st;
    return ::lstat((root_ + "/" + relative).c_str(), &st) == 0;
  }
  struct stat Lstat(const std::string& relative) const {
    struct stat st {};
    EXPECT_EQ(::lstat((root_ + "/" + relative).c_str(), &st), 0) << relative;
    return st;
  }

  base::TempDir base_;
  base::TempDir layers_;
  std::string root_;
  std::string outside_;
  int layer_count_ = 0;
};

}  // namespace zlayer::extract::testing

#endif  // ZLAYER_EXTRACT_TAR_TESTING_H_
