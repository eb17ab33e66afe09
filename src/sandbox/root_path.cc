#include "sandbox/root_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

namespace zlayer::sandbox {
namespace {

// Linux's own limit on symlinks followed in one lookup.
constexpr int kMaxSymlinks = 40;

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

}  // namespace

std::string InRootPath::ContainerPath() const {
  std::string out = Join(existing) + Join(missing);
  return out.empty() ? "/" : out;
}

std::string InRootPath::HostPath(const std::string& root) const {
  return root + Join(existing) + Join(missing);
}

std::string InRootPath::ExistingHostPath(const std::string& root) const {
  return root + Join(existing);
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(pos, end - pos);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    pos = end + 1;
  }
  return parts;
}

std::string CleanPath(std::string_view path) {
  std::vector<std::string> out;
  for (std::string& part : SplitPath(path)) {
    if (part == "..") {
      if (!out.empty()) out.pop_back();
    } else {
      out.push_back(std::move(part));
    }
  }
  std::string joined = Join(out);
  return joined.empty() ? "/" : joined;
}

Result<InRootPath> ResolveInRoot(const std::string& root,
                                 std::string_view path) {
  std::deque<std::string> queue;
  for (std::string& part : SplitPath(path)) queue.push_back(std::move(part));
  InRootPath result;
  int links = 0;
  while (!queue.empty()) {
    std::string part = std::move(queue.front());
    queue.pop_front();
    if (part == "..") {
      if (!result.missing.empty()) {
        result.missing.pop_back();
      } else if (!result.existing.empty()) {
        result.existing.pop_back();
      }
      continue;
    }
    if (!result.missing.empty()) {
      result.missing.push_back(std::move(part));
      continue;
    }
    std::string host = result.ExistingHostPath(root) + "/" + part;
    struct stat st;
    if (::lstat(host.c_str(), &st) != 0) {
      int err = errno;
      if (err == ENOENT) {
        result.missing.push_back(std::move(part));
        continue;
      }
      result.existing.push_back(std::move(part));
      return FailErrno(result.ContainerPath(), err);
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) {
        return FailErrno(std::string(path), ELOOP);
      }
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlink(host.c_str(), target.data(), target.size());
      if (n < 0) return FailErrno("readlink " + host, errno);
      target.resize(static_cast<size_t>(n));
      if (!target.empty() && target[0] == '/') result.existing.clear();
      std::vector<std::string> parts = SplitPath(target);
      queue.insert(queue.begin(), parts.begin(), parts.end());
      continue;
    }
    result.existing.push_back(std::move(part));
    if (!S_ISDIR(st.st_mode) && !queue.empty()) {
      return FailErrno(result.ContainerPath(), ENOTDIR);
    }
  }
  return result;
}

Result<base::UniqueFd> OpenInRoot(const std::string& root,
                                  std::string_view path) {
  std::string shown = CleanPath(path);
  base::UniqueFd root_fd(
      ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return FailErrno("open " + root, errno);
  std::string relative = shown == "/" ? "." : shown.substr(1);
  struct open_how how = {};
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  long fd =
      ::syscall(SYS_openat2, root_fd.get(), relative.c_str(), &how, sizeof how);
  if (fd >= 0) return base::UniqueFd(static_cast<int>(fd));
  if (errno != ENOSYS) return FailErrno("open " + shown, errno);

  ZL_ASSIGN_OR_RETURN(InRootPath resolved, ResolveInRoot(root, path));
  if (!resolved.missing.empty()) return FailErrno("open " + shown, ENOENT);
  std::string host = resolved.HostPath(root);
  int opened = ::open(
      host.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (opened < 0) return FailErrno("open " + shown, errno);
  return base::UniqueFd(opened);
}

}  // namespace zlayer::sandbox
