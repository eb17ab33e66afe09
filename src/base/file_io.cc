#include "base/file_io.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <utility>

#include "base/unique_fd.h"

namespace zlayer::base {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

// Removes a temporary file unless the write that created it succeeded.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;

  const std::string& path() const { return path_; }
  void Disarm() { path_.clear(); }

 private:
  std::string path_;
};

std::string Describe(std::string_view verb, std::string_view name) {
  std::string what(verb);
  if (!name.empty()) {
    what += ' ';
    what += name;
  }
  return what;
}

Status WaitWritable(int fd) {
  pollfd pfd{fd, POLLOUT, 0};
  while (::poll(&pfd, 1, -1) < 0) {
    if (errno != EINTR) return FailErrno("poll", errno);
  }
  return Ok();
}

Status FsyncFd(int fd, std::string_view what) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return FailErrno("fsync " + std::string(what), errno);
  }
  return Ok();
}

// Splits "a/b/c" into ("a/b", "c"); a bare name lives in ".".
std::pair<std::string, std::string> SplitPath(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return {".", path};
  if (slash == 0) return {"/", path.substr(1)};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

Status FsyncDirectory(const std::string& dir) {
  ZL_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(dir, O_RDONLY | O_DIRECTORY));
  auto synced = FsyncFd(fd.get(), dir);
  // Some filesystems (several FUSE ones among them) cannot sync a directory
  // and say so with EINVAL; the rename itself has already happened.
  if (!synced && synced.error().errno_value() == EINVAL) return Ok();
  return synced;
}

}  // namespace

Status WriteAll(int fd, std::string_view data, std::string_view name) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n >= 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      ZL_RETURN_IF_ERROR(WaitWritable(fd));
      continue;
    }
    return FailErrno(Describe("write", name), errno);
  }
  return Ok();
}

Result<std::string> ReadAll(int fd, std::string_view name) {
  std::string out;
  size_t used = 0;
  for (;;) {
    if (out.size() - used < kReadChunk) out.resize(used + kReadChunk);
    ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno(Describe("read", name), errno);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return out;
}

Result<std::string> ReadFile(const std::string& path) {
  ZL_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_RDONLY));
  return ReadAll(fd.get(), path);
}

Status WriteFileAtomic(const std::string& path, std::string_view data,
                       mode_t mode) {
  auto [dir, name] = SplitPath(path);
  if (name.empty()) {
    return Fail("write " + path + ": not a file name", ErrorKind::kInvalid);
  }
  std::string tmpl = (dir == "/" ? "" : dir) + "/." + name + ".tmp-XXXXXX";
  int raw = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (raw < 0) return FailErrno("create temporary file in " + dir, errno);
  UniqueFd fd(raw);
  TempFileGuard guard(tmpl);

  if (::fchmod(fd.get(), mode) != 0) {
    return FailErrno("chmod " + guard.path(), errno);
  }
  ZL_RETURN_IF_ERROR(WriteAll(fd.get(), data, guard.path()));
  ZL_RETURN_IF_ERROR(FsyncFd(fd.get(), guard.path()));
  ZL_RETURN_IF_ERROR(fd.Close(guard.path()));
  if (::rename(guard.path().c_str(), path.c_str()) != 0) {
    return FailErrno("rename " + guard.path() + " to " + path, errno);
  }
  guard.Disarm();
  return FsyncDirectory(dir);
}

}  // namespace zlayer::base
