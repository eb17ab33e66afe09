#include "tests/integration/dockerfile/rootfs_listing.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/sha256.h"

namespace zlayer::integration {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

char TypeChar(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return 'f';
    case S_IFDIR:
      return 'd';
    case S_IFLNK:
      return 'l';
    case S_IFCHR:
      return 'c';
    case S_IFBLK:
      return 'b';
    case S_IFIFO:
      return 'p';
    case S_IFSOCK:
      return 's';
  }
  return '?';
}

struct Entry {
  std::string path;  // "/" or "/a/b"
  std::string host;  // dir + path
  struct stat st;
};

Status Walk(const std::string& host, const std::string& path,
            std::vector<Entry>& out) {
  DIR* dir = ::opendir(host.c_str());
  if (dir == nullptr) {
    return Fail("opendir " + host + ": " + std::strerror(errno));
  }
  std::vector<std::string> names;
  while (dirent* ent = ::readdir(dir)) {
    std::string name = ent->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  for (const std::string& name : names) {
    Entry entry;
    entry.path = (path == "/" ? "" : path) + "/" + name;
    entry.host = host + "/" + name;
    if (::lstat(entry.host.c_str(), &entry.st) != 0) {
      return Fail("lstat " + entry.host + ": " + std::strerror(errno));
    }
    bool is_dir = S_ISDIR(entry.st.st_mode);
    out.push_back(entry);
    // By value: the recursion grows `out` and would move these strings.
    if (is_dir) ZL_RETURN_IF_ERROR(Walk(entry.host, entry.path, out));
  }
  return Ok();
}

}  // namespace

Result<Listing> ListRootfs(const std::string& dir) {
  std::vector<Entry> entries;
  Entry root;
  root.path = "/";
  root.host = dir;
  if (::lstat(dir.c_str(), &root.st) != 0) {
    return Fail("lstat " + dir + ": " + std::strerror(errno));
  }
  entries.push_back(root);
  ZL_RETURN_IF_ERROR(Walk(dir, "/", entries));
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });

  std::map<std::pair<dev_t, ino_t>, std::string> first_name;
  Listing listing;
  for (const Entry& entry : entries) {
    const struct stat& st = entry.st;
    std::string size = "-";
    std::string target = "-";
    std::string hash = "-";
    if (S_ISREG(st.st_mode)) {
      size = std::to_string(st.st_size);
      ZL_ASSIGN_OR_RETURN(hash, base::Sha256File(entry.host));
      if (st.st_nlink > 1) {
        auto [it, inserted] =
            first_name.emplace(std::pair{st.st_dev, st.st_ino}, entry.path);
        if (!inserted) target = "h=" + Escape(it->second);
      }
    } else if (S_ISLNK(st.st_mode)) {
      std::string buf(PATH_MAX, '\0');
      ssize_t n = ::readlink(entry.host.c_str(), buf.data(), buf.size());
      if (n < 0) {
        return Fail("readlink " + entry.host + ": " + std::strerror(errno));
      }
      buf.resize(n);
      target = Escape(buf);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      size = std::to_string(major(st.st_rdev)) + "," +
             std::to_string(minor(st.st_rdev));
    }
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o",
                  static_cast<unsigned>(st.st_mode & 07777));
    std::string path = Escape(entry.path);
    listing[path] = path + " " + TypeChar(st.st_mode) + " " + mode + " " +
                    std::to_string(st.st_uid) + ":" +
                    std::to_string(st.st_gid) + " " + size + " " + target +
                    " " + hash;
  }
  return listing;
}

std::vector<std::string> DiffListings(const Listing& base, const Listing& image,
                                      const std::vector<std::string>& only) {
  auto wanted = [&only](const std::string& path) {
    // The root's own mode and owner are those of the directory a builder
    // unpacks into (buildah's is 0555), not something a Dockerfile sets.
    if (path == "/") return false;
    if (only.empty()) return true;
    for (const std::string& prefix : only) {
      if (path == prefix || prefix == "/" || path.starts_with(prefix + "/")) {
        return true;
      }
    }
    return false;
  };
  std::map<std::string, std::string> lines;
  for (const auto& [path, line] : image) {
    auto it = base.find(path);
    if (wanted(path) && (it == base.end() || it->second != line)) {
      lines[path] = line;
    }
  }
  for (const auto& [path, line] : base) {
    if (wanted(path) && !image.contains(path)) lines[path] = "-" + path;
  }
  std::vector<std::string> out;
  for (auto& [path, line] : lines) out.push_back(std::move(line));
  return out;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace zlayer::integration
