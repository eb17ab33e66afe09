#include "copy/dest.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

#include "copy/source.h"

namespace zlayer::copy::internal {
namespace {

constexpr int kMaxSymlinks = 40;
constexpr size_t kBufferSize = 1 << 20;

// Appends `parts` to `path` lexically ("." dropped, ".." stops at root).
void AppendLexically(std::vector<std::string>& path,
                     const std::deque<std::string>& parts) {
  for (const std::string& part : parts) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!path.empty()) path.pop_back();
      continue;
    }
    path.push_back(part);
  }
}

}  // namespace

std::string ShowPath(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& part : path) out += "/" + part;
  return out.empty() ? "/" : out;
}

Result<DestRoot> DestRoot::Open(const std::string& root) {
  ZL_ASSIGN_OR_RETURN(extract::RootResolver resolver,
                      extract::RootResolver::Open(root, true));
  return DestRoot(std::move(resolver));
}

Result<DestLocation> DestRoot::Resolve(const std::string& path) const {
  std::string clean = CleanSlashPath("/" + path);
  std::vector<std::string> parts = Components(clean);
  std::deque<std::string> pending(parts.begin(), parts.end());
  std::vector<base::UniqueFd> fds;
  DestLocation out;
  int links = 0;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name.empty() || name == ".") continue;
    if (name == "..") {
      if (!out.path.empty()) {
        out.path.pop_back();
        fds.pop_back();
      }
      continue;
    }
    int parent = fds.empty() ? root_fd() : fds.back().get();
    base::UniqueFd fd(
        ::openat(parent, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
      if (errno != ENOENT && errno != ENOTDIR) {
        return FailErrno("open " + ShowPath(out.path) + "/" + name, errno);
      }
      out.path.push_back(std::move(name));
      AppendLexically(out.path, pending);
      return out;
    }
    struct stat st;
    if (::fstatat(fd.get(), "", &st, AT_EMPTY_PATH) != 0) {
      return FailErrno("stat " + ShowPath(out.path) + "/" + name, errno);
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) {
        return Fail("too many levels of symbolic links resolving " + path,
                    ErrorKind::kInvalid);
      }
      ZL_ASSIGN_OR_RETURN(std::string target,
                          extract::ReadLinkAt(parent, name, name));
      if (!target.empty() && target.front() == '/') {
        out.path.clear();
        fds.clear();
      }
      std::vector<std::string> target_parts = Components(target);
      pending.insert(pending.begin(), target_parts.begin(), target_parts.end());
      continue;
    }
    out.path.push_back(std::move(name));
    if (pending.empty()) {
      out.exists = true;
      out.st = st;
      return out;
    }
    if (!S_ISDIR(st.st_mode)) {
      // A file in the middle: what follows cannot exist; EnsureDir will
      // name the file in the way.
      AppendLexically(out.path, pending);
      return out;
    }
    fds.push_back(std::move(fd));
  }
  // The root, or a path that led back to a directory already walked.
  out.exists = true;
  int fd = fds.empty() ? root_fd() : fds.back().get();
  if (::fstatat(fd, "", &out.st, AT_EMPTY_PATH) != 0) {
    return FailErrno("stat " + ShowPath(out.path), errno);
  }
  return out;
}

Result<base::UniqueFd> DestRoot::EnsureDir(const std::vector<std::string>& path,
                                           uid_t uid, gid_t gid) const {
  ZL_ASSIGN_OR_RETURN(
      std::optional<extract::ResolvedDir> existing,
      resolver_.Resolve(path, extract::ResolveMode::kNoSymlinks, nullptr));
  if (existing) return std::move(existing->fd);
  int dup = ::fcntl(root_fd(), F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return FailErrno("dup", errno);
  base::UniqueFd current(dup);
  std::vector<std::string> walked;
  for (const std::string& name : path) {
    walked.push_back(name);
    base::UniqueFd next(
        ::openat(current.get(), name.c_str(),
                 O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
    if (!next) {
      if (errno != ENOENT) {
        return Fail("mkdir " + ShowPath(walked) + ": not a directory",
                    ErrorKind::kFailed);
      }
      if (::mkdirat(current.get(), name.c_str(), 0755) != 0 &&
          errno != EEXIST) {
        return FailErrno("mkdir " + ShowPath(walked), errno);
      }
      ZL_ASSIGN_OR_RETURN(
          base::UniqueFd made,
          base::OpenFileAt(current.get(), name,
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
      // The umask must not narrow it, and an owner is given explicitly.
      if (::fchmod(made.get(), 0755) != 0) {
        return FailErrno("chmod " + ShowPath(walked), errno);
      }
      if ((uid != 0 || gid != 0) && ::fchown(made.get(), uid, gid) != 0) {
        return FailErrno("chown " + ShowPath(walked), errno);
      }
      next = std::move(made);
    }
    current = std::move(next);
  }
  return current;
}

Status CopyFileData(int src, int dst, off_t size, const std::string& shown) {
  if (size == 0) return Ok();
  if (::ioctl(dst, FICLONE, src) == 0) return Ok();
  off_t done = 0;
  bool use_cfr = true;
  while (done < size && use_cfr) {
    ssize_t n = ::copy_file_range(src, nullptr, dst, nullptr,
                                  static_cast<size_t>(size - done), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (done == 0 &&
          (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP ||
           errno == EINVAL || errno == EPERM || errno == EIO)) {
        use_cfr = false;
        break;
      }
      return FailErrno("copy " + shown, errno);
    }
    if (n == 0) break;  // the source shrank
    done += n;
  }
  if (done >= size) return Ok();
  if (done == 0) {
    // sendfile reads with the file offset: start both at zero.
    while (done < size) {
      ssize_t n =
          ::sendfile(dst, src, nullptr, static_cast<size_t>(size - done));
      if (n < 0) {
        if (errno == EINTR) continue;
        if (done == 0 && (errno == EINVAL || errno == ENOSYS)) break;
        return FailErrno("copy " + shown, errno);
      }
      if (n == 0) return Ok();
      done += n;
    }
    if (done >= size) return Ok();
  }
  std::vector<char> buffer(kBufferSize);
  for (;;) {
    ssize_t n = ::pread(src, buffer.data(), buffer.size(), done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("read " + shown, errno);
    }
    if (n == 0) break;
    ssize_t written = 0;
    while (written < n) {
      ssize_t w = ::pwrite(dst, buffer.data() + written,
                           static_cast<size_t>(n - written), done + written);
      if (w < 0) {
        if (errno == EINTR) continue;
        return FailErrno("write " + shown, errno);
      }
      written += w;
    }
    done += n;
  }
  return Ok();
}

void CopyXattrs(int src, int dst) {
  char names_small[1024];
  ssize_t len = ::flistxattr(src, names_small, sizeof(names_small));
  std::vector<char> names_big;
  const char* names = names_small;
  if (len < 0 && errno == ERANGE) {
    ssize_t need = ::flistxattr(src, nullptr, 0);
    if (need <= 0) return;
    names_big.resize(static_cast<size_t>(need));
    len = ::flistxattr(src, names_big.data(), names_big.size());
    names = names_big.data();
  }
  if (len <= 0) return;
  std::vector<char> value(256);
  for (ssize_t i = 0; i < len;) {
    const char* name = names + i;
    size_t name_len = std::char_traits<char>::length(name);
    i += static_cast<ssize_t>(name_len) + 1;
    ssize_t n = ::fgetxattr(src, name, value.data(), value.size());
    if (n < 0 && errno == ERANGE) {
      ssize_t need = ::fgetxattr(src, name, nullptr, 0);
      if (need < 0) continue;
      value.resize(static_cast<size_t>(need));
      n = ::fgetxattr(src, name, value.data(), value.size());
    }
    if (n < 0) continue;
    ::fsetxattr(dst, name, value.data(), static_cast<size_t>(n), 0);
  }
}

}  // namespace zlayer::copy::internal
