#include "extract/root_resolver.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <deque>
#include <utility>
#include <vector>

namespace zlayer::extract {
namespace {

// Linux's own limit on symlinks followed in one lookup.
constexpr int kMaxSymlinks = 40;
constexpr mode_t kImplicitDirMode = 0755;

int OpenAt2(int dir_fd, const char* path, uint64_t flags, uint64_t resolve) {
  open_how how{};
  how.flags = flags;
  how.resolve = resolve;
  return static_cast<int>(
      ::syscall(SYS_openat2, dir_fd, path, &how, sizeof(how)));
}

PathComponents Child(const PathComponents& parent, const std::string& name) {
  PathComponents out = parent;
  out.push_back(name);
  return out;
}

Result<base::UniqueFd> Dup(int fd) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return FailErrno("dup", errno);
  return base::UniqueFd(copy);
}

// One component of the walk, seen without following it.
struct Step {
  enum Kind { kDirectory, kSymlink, kMissing } kind = kMissing;
  base::UniqueFd fd;   // kDirectory
  std::string target;  // kSymlink
};

// Turns whatever is at `name` into a directory for ResolveMode::kCreate.
Result<base::UniqueFd> MakeDirectory(int parent_fd, const std::string& key,
                                     const std::string& name,
                                     const std::string& shown, bool replace,
                                     LayerState* state) {
  if (state != nullptr)
    ZL_RETURN_IF_ERROR(state->NoteDirTouched(parent_fd, key));
  if (replace && ::unlinkat(parent_fd, name.c_str(), 0) != 0) {
    return FailErrno("remove non-directory " + shown, errno);
  }
  if (replace && state != nullptr) state->NoteHidesLower(shown);
  if (::mkdirat(parent_fd, name.c_str(), kImplicitDirMode) != 0) {
    return FailErrno("mkdir " + shown, errno);
  }
  return base::OpenFileAt(parent_fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY);
}

Result<Step> StepInto(int parent_fd, const PathComponents& parent,
                      const std::string& name, ResolveMode mode,
                      LayerState* state) {
  std::string shown = JoinComponents(Child(parent, name));
  Step step;
  int fd = ::openat(parent_fd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT) return FailErrno("open " + shown, errno);
  if (fd < 0) {
    if (mode != ResolveMode::kCreate) return step;
    ZL_ASSIGN_OR_RETURN(
        step.fd, MakeDirectory(parent_fd, JoinComponents(parent), name, shown,
                               false, state));
    step.kind = Step::kDirectory;
    return step;
  }
  base::UniqueFd owned(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return FailErrno("stat " + shown, errno);
  if (S_ISDIR(st.st_mode)) {
    step.kind = Step::kDirectory;
    step.fd = std::move(owned);
    return step;
  }
  if (S_ISLNK(st.st_mode)) {
    if (mode == ResolveMode::kNoSymlinks) return step;
    if (state != nullptr && state->CreatedSymlink(shown)) {
      return Fail("refusing to write through symlink " + Quote(shown) +
                      ", created by an earlier entry of this layer",
                  ErrorKind::kInvalid);
    }
    ZL_ASSIGN_OR_RETURN(step.target, ReadLinkAt(parent_fd, name, shown));
    // The kernel treats an empty target as a missing file.
    if (!step.target.empty()) step.kind = Step::kSymlink;
    if (step.target.empty() && mode == ResolveMode::kCreate) {
      return Fail("symlink " + Quote(shown) + " has an empty target",
                  ErrorKind::kInvalid);
    }
    return step;
  }
  if (mode != ResolveMode::kCreate) return step;
  ZL_ASSIGN_OR_RETURN(step.fd, MakeDirectory(parent_fd, JoinComponents(parent),
                                             name, shown, true, state));
  step.kind = Step::kDirectory;
  return step;
}

// Puts the components of a symlink target in front of what is left to walk.
void PrependTarget(const std::string& target,
                   std::deque<std::string>& pending) {
  PathComponents parts = SplitPath(target);
  pending.insert(pending.begin(), parts.begin(), parts.end());
}

}  // namespace

Result<std::string> ReadLinkAt(int dir_fd, const std::string& name,
                               const std::string& shown) {
  std::string target(PATH_MAX, '\0');
  ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
  if (n < 0) return FailErrno("readlink " + shown, errno);
  target.resize(static_cast<size_t>(n));
  return target;
}

bool RootResolver::KernelHasOpenat2() {
  static const bool available = [] {
    int fd =
        OpenAt2(AT_FDCWD, "/", O_PATH | O_CLOEXEC,
                RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) return false;
    ::close(fd);
    return true;
  }();
  return available;
}

Result<RootResolver> RootResolver::Open(const std::string& root,
                                        bool use_openat2) {
  char* canonical = ::realpath(root.c_str(), nullptr);
  if (canonical == nullptr) return FailErrno("resolve root " + root, errno);
  std::string path = canonical;
  std::free(canonical);
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd,
                      base::OpenFile(path, O_PATH | O_DIRECTORY));
  return RootResolver(std::move(path), std::move(fd),
                      use_openat2 && KernelHasOpenat2());
}

Result<std::optional<ResolvedDir>> RootResolver::Resolve(
    const PathComponents& components, ResolveMode mode,
    LayerState* state) const {
  if (std::optional<ResolvedDir> fast = ResolveFast(components)) return fast;
  return Walk(components, mode, state);
}

std::optional<ResolvedDir> RootResolver::ResolveFast(
    const PathComponents& components) const {
  if (!use_openat2_ || components.empty()) return std::nullopt;
  int fd =
      OpenAt2(root_fd_.get(), JoinComponents(components).c_str(),
              O_PATH | O_DIRECTORY | O_CLOEXEC,
              RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0) return std::nullopt;
  return ResolvedDir{base::UniqueFd(fd), components};
}

Result<std::optional<ResolvedDir>> RootResolver::Walk(
    const PathComponents& components, ResolveMode mode,
    LayerState* state) const {
  std::deque<std::string> pending(components.begin(), components.end());
  std::vector<base::UniqueFd> fds;  // fds[i] is the directory path[0..i]
  PathComponents path;
  int links = 0;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == ".") continue;
    if (name == "..") {
      if (!path.empty()) {
        path.pop_back();
        fds.pop_back();
      }
      continue;
    }
    int parent_fd = fds.empty() ? root_fd_.get() : fds.back().get();
    ZL_ASSIGN_OR_RETURN(Step step,
                        StepInto(parent_fd, path, name, mode, state));
    if (step.kind == Step::kMissing) return std::nullopt;
    if (step.kind == Step::kDirectory) {
      fds.push_back(std::move(step.fd));
      path.push_back(std::move(name));
      continue;
    }
    if (++links > kMaxSymlinks) {
      return Fail("too many levels of symlinks resolving " +
                      Quote(JoinComponents(components)),
                  ErrorKind::kInvalid);
    }
    if (step.target.front() == '/') {
      fds.clear();
      path.clear();
    }
    PrependTarget(step.target, pending);
  }
  if (fds.empty()) {
    ZL_ASSIGN_OR_RETURN(base::UniqueFd root, Dup(root_fd_.get()));
    return ResolvedDir{std::move(root), {}};
  }
  return ResolvedDir{std::move(fds.back()), std::move(path)};
}

}  // namespace zlayer::extract
