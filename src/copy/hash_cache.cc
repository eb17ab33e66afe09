#include "copy/hash_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <ctime>
#include <vector>

#include "base/file_io.h"

namespace zlayer::copy {
namespace {

// One entry per line:
//   <dev> <ino> <size> <mtime_ns> <ctime_ns> <used> <hex> <escaped path>
// with "\\" and "\n" escaped in the path so any name fits on its line.
constexpr std::string_view kHeader = "zlayer-hash-cache 1\n";
constexpr int64_t kMaxUnusedSeconds = 30 * 24 * 3600;
// `used` is only refreshed once a day, so a warm build writes nothing.
constexpr int64_t kUsedResolution = 24 * 3600;
constexpr size_t kReadChunk = 1 << 20;
constexpr int64_t kRacyWindowNs = 20'000'000;

int64_t NowSeconds() { return static_cast<int64_t>(::time(nullptr)); }

int64_t Nanos(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string Escape(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

bool Unescape(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      *out += in[i];
      continue;
    }
    if (++i == in.size()) return false;
    if (in[i] == '\\') {
      *out += '\\';
    } else if (in[i] == 'n') {
      *out += '\n';
    } else {
      return false;
    }
  }
  return true;
}

template <typename T>
bool ParseField(std::string_view& line, T* value) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view field = line.substr(0, space);
  auto [ptr, ec] =
      std::from_chars(field.data(), field.data() + field.size(), *value);
  if (ec != std::errc() || ptr != field.data() + field.size()) return false;
  line.remove_prefix(space + 1);
  return true;
}

Result<base::Digest> HashFd(int fd, const std::string& abs_path) {
  base::Sha256 sha;
  std::vector<char> buffer(kReadChunk);
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("read " + abs_path, errno);
    }
    if (n == 0) break;
    sha.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    offset += n;
  }
  return base::Digest::FromBytes(sha.Finish());
}

}  // namespace

Result<std::unique_ptr<HashCache>> HashCache::Open(const std::string& path) {
  std::unique_ptr<HashCache> cache(new HashCache(path));
  if (path.empty()) return cache;
  Result<std::string> data = base::ReadFile(path);
  if (!data) return cache;  // missing or unreadable: start empty
  std::string_view text = *data;
  if (!text.starts_with(kHeader)) return cache;
  text.remove_prefix(kHeader.size());
  while (!text.empty()) {
    size_t newline = text.find('\n');
    if (newline == std::string_view::npos) break;  // torn last line
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    Entry entry{};
    uint64_t dev = 0, ino = 0;
    int64_t size = 0;
    if (!ParseField(line, &dev) || !ParseField(line, &ino) ||
        !ParseField(line, &size) || !ParseField(line, &entry.mtime_ns) ||
        !ParseField(line, &entry.ctime_ns) || !ParseField(line, &entry.used)) {
      continue;
    }
    size_t space = line.find(' ');
    if (space == std::string_view::npos) continue;
    Result<base::Digest> digest = base::Digest::FromHex(line.substr(0, space));
    std::string abs_path;
    if (!digest || !Unescape(line.substr(space + 1), &abs_path)) continue;
    entry.dev = static_cast<dev_t>(dev);
    entry.ino = static_cast<ino_t>(ino);
    entry.size = static_cast<off_t>(size);
    entry.digest = std::move(*digest);
    cache->entries_[std::move(abs_path)] = std::move(entry);
  }
  return cache;
}

std::optional<base::Digest> HashCache::Lookup(const std::string& abs_path,
                                              const struct stat& st) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(abs_path);
  if (it == entries_.end() || it->second.dev != st.st_dev ||
      it->second.ino != st.st_ino || it->second.size != st.st_size ||
      it->second.mtime_ns != Nanos(st.st_mtim) ||
      it->second.ctime_ns != Nanos(st.st_ctim)) {
    return std::nullopt;
  }
  ++hits_;
  int64_t now = NowSeconds();
  if (now - it->second.used >= kUsedResolution) {
    it->second.used = now;
    dirty_ = true;
  }
  return it->second.digest;
}

Result<base::Digest> HashCache::ContentDigest(const std::string& abs_path,
                                              int fd, const struct stat& st) {
  if (std::optional<base::Digest> hit = Lookup(abs_path, st)) return *hit;
  const int64_t mtime = Nanos(st.st_mtim);
  const int64_t ctime = Nanos(st.st_ctim);
  struct timespec start {};
  ::clock_gettime(CLOCK_REALTIME, &start);
  // Hashed outside the lock so that misses proceed in parallel.
  ZL_ASSIGN_OR_RETURN(base::Digest digest, HashFd(fd, abs_path));
  std::lock_guard<std::mutex> lock(mu_);
  ++misses_;
  // A file changed within a timestamp tick of being hashed could change
  // again without its stat changing ("racily clean", as git calls it):
  // such a hash is used but not remembered.
  if (ctime > Nanos(start) - kRacyWindowNs) return digest;
  entries_[abs_path] = Entry{st.st_dev, st.st_ino, st.st_size,  mtime,
                             ctime,     digest,    NowSeconds()};
  dirty_ = true;
  return digest;
}

Status HashCache::Save() {
  std::lock_guard<std::mutex> lock(mu_);
  if (path_.empty() || !dirty_) return Ok();
  const int64_t now = NowSeconds();
  std::string out(kHeader);
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Entry& e = it->second;
    if (now - e.used > kMaxUnusedSeconds) {
      it = entries_.erase(it);
      continue;
    }
    out += std::to_string(static_cast<uint64_t>(e.dev)) + ' ' +
           std::to_string(static_cast<uint64_t>(e.ino)) + ' ' +
           std::to_string(static_cast<int64_t>(e.size)) + ' ' +
           std::to_string(e.mtime_ns) + ' ' + std::to_string(e.ctime_ns) + ' ' +
           std::to_string(e.used) + ' ' + std::string(e.digest.hex()) + ' ' +
           Escape(it->first) + '\n';
    ++it;
  }
  ZL_RETURN_IF_ERROR(
      WithContext(base::WriteFileAtomic(path_, out, 0600), "save hash cache"));
  dirty_ = false;
  return Ok();
}

}  // namespace zlayer::copy
