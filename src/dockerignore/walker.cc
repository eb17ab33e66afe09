#include "dockerignore/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

#include "base/unique_fd.h"

namespace zlayer::dockerignore {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

// A directory on the way from the root to the entry being visited. An
// excluded one is reported only once something inside it is included.
struct OpenDirectory {
  std::string path;
  struct stat st;
  bool reported;
};

class ContextWalker {
 public:
  ContextWalker(std::string root, const Matcher& matcher,
                const WalkCallback& callback)
      : root_(std::move(root)), matcher_(matcher), callback_(callback) {}

  // Visits the entries of `dir`, whose path relative to the root is
  // `prefix` ("" for the root itself).
  Status VisitEntries(DIR* dir, const std::string& prefix,
                      const DirMatch& parent);

  Result<DirHandle> OpenRoot() {
    base::UniqueFd fd(
        ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return FailErrno("open build context " + root_, errno);
    return Adopt(std::move(fd), "");
  }

 private:
  std::string FullPath(std::string_view relative) const {
    return root_ + "/" + std::string(relative);
  }

  Result<DirHandle> Adopt(base::UniqueFd fd, std::string_view relative) {
    DIR* dir = ::fdopendir(fd.get());
    if (dir == nullptr) {
      return FailErrno("read directory " + FullPath(relative), errno);
    }
    fd.release();
    return DirHandle(dir);
  }

  Result<std::vector<std::string>> ReadNames(DIR* dir,
                                             const std::string& prefix);
  Status VisitDirectory(DIR* parent, const std::string& name,
                        const std::string& path, const struct stat& st,
                        const MatchResult& match);
  Status ReportOpenDirectories();

  std::string root_;
  const Matcher& matcher_;
  const WalkCallback& callback_;
  std::vector<OpenDirectory> open_;
};

Result<std::vector<std::string>> ContextWalker::ReadNames(
    DIR* dir, const std::string& prefix) {
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      if (errno != 0) {
        return FailErrno("read directory " + FullPath(prefix), errno);
      }
      break;
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status ContextWalker::VisitEntries(DIR* dir, const std::string& prefix,
                                   const DirMatch& parent) {
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadNames(dir, prefix));
  for (const std::string& name : names) {
    const std::string path = prefix.empty() ? name : prefix + "/" + name;
    struct stat st;
    if (::fstatat(::dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      // Removed since the directory was read: not part of the context.
      if (errno == ENOENT) continue;
      return FailErrno("lstat " + FullPath(path), errno);
    }
    const MatchResult match = matcher_.MatchUsingParent(path, parent);
    const bool is_dir = S_ISDIR(st.st_mode);
    if (match.excluded && (!is_dir || !matcher_.HasExceptionUnder(path))) {
      continue;
    }
    if (!match.excluded) {
      ZL_RETURN_IF_ERROR(ReportOpenDirectories());
      ZL_RETURN_IF_ERROR(callback_(path, st));
    }
    if (is_dir) {
      ZL_RETURN_IF_ERROR(VisitDirectory(dir, name, path, st, match));
    }
  }
  return Ok();
}

Status ContextWalker::VisitDirectory(DIR* parent, const std::string& name,
                                     const std::string& path,
                                     const struct stat& st,
                                     const MatchResult& match) {
  // O_NOFOLLOW: a directory swapped for a symlink after the lstat must not
  // lead the walk outside the context.
  base::UniqueFd fd(::openat(::dirfd(parent), name.c_str(),
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return Ok();
    // BuildKit skips what it cannot read only when it was excluded anyway.
    if (match.excluded && errno == EACCES) return Ok();
    return FailErrno("open " + FullPath(path), errno);
  }
  ZL_ASSIGN_OR_RETURN(DirHandle dir, Adopt(std::move(fd), path));
  open_.push_back(OpenDirectory{path, st, !match.excluded});
  Status status = VisitEntries(dir.get(), path, match.dir);
  open_.pop_back();
  return status;
}

Status ContextWalker::ReportOpenDirectories() {
  for (OpenDirectory& dir : open_) {
    if (dir.reported) continue;
    ZL_RETURN_IF_ERROR(callback_(dir.path, dir.st));
    dir.reported = true;
  }
  return Ok();
}

}  // namespace

Status Walk(const std::filesystem::path& context_dir, const Matcher& matcher,
            const WalkCallback& callback) {
  ContextWalker walker(context_dir.string(), matcher, callback);
  ZL_ASSIGN_OR_RETURN(DirHandle root, walker.OpenRoot());
  return walker.VisitEntries(root.get(), "", DirMatch());
}

Result<std::vector<std::string>> ListIncluded(
    const std::filesystem::path& context_dir, const Matcher& matcher) {
  std::vector<std::string> paths;
  ZL_RETURN_IF_ERROR(Walk(context_dir, matcher,
                          [&paths](std::string_view path, const struct stat&) {
                            paths.emplace_back(path);
                            return Ok();
                          }));
  return paths;
}

}  // namespace zlayer::dockerignore
