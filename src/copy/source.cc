#include "copy/source.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <memory>

#include "copy/match.h"
#include "dockerignore/normalize.h"
#include "extract/root_resolver.h"

namespace zlayer::copy::internal {
namespace {

constexpr int kMaxSymlinks = 40;

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

Result<base::UniqueFd> DupFd(int fd) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return FailErrno("dup", errno);
  return base::UniqueFd(copy);
}

// Sorted names of the directory `fd` (which it consumes).
Result<std::vector<std::string>> ReadNames(base::UniqueFd fd,
                                           const std::string& shown) {
  DIR* raw = ::fdopendir(fd.get());
  if (raw == nullptr) return FailErrno("read directory " + shown, errno);
  fd.release();
  DirHandle dir(raw);
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return FailErrno("read directory " + shown, errno);
      break;
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Where a path resolves inside the tree, symlinks followed as if the tree
// were "/".
struct Resolved {
  std::vector<std::string> path;  // real components
  base::UniqueFd parent_fd;       // O_PATH of the parent (root for the root)
  std::string leaf;
  struct stat st {};
};

Result<std::optional<Resolved>> ResolveInTree(
    int root_fd, const std::vector<std::string>& components) {
  std::deque<std::string> pending(components.begin(), components.end());
  std::vector<base::UniqueFd> fds;  // fds[i]: directory path[0..i]
  std::vector<std::string> path;
  int links = 0;
  Resolved out;
  bool have_final = false;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == "." || name.empty()) continue;
    if (name == "..") {
      if (!path.empty()) {
        path.pop_back();
        fds.pop_back();
      }
      continue;
    }
    int parent = fds.empty() ? root_fd : fds.back().get();
    int fd = ::openat(parent, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      return FailErrno("open " + name, errno);
    }
    base::UniqueFd owned(fd);
    struct stat st;
    if (::fstatat(fd, "", &st, AT_EMPTY_PATH) != 0) {
      return FailErrno("stat " + name, errno);
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) {
        return Fail("too many levels of symbolic links: " + name,
                    ErrorKind::kInvalid);
      }
      ZL_ASSIGN_OR_RETURN(std::string target,
                          extract::ReadLinkAt(parent, name, name));
      if (target.empty()) return std::nullopt;
      if (target.front() == '/') {
        fds.clear();
        path.clear();
      }
      extract::PathComponents parts = extract::SplitPath(target);
      pending.insert(pending.begin(), parts.begin(), parts.end());
      continue;
    }
    if (S_ISDIR(st.st_mode) && !pending.empty()) {
      fds.push_back(std::move(owned));
      path.push_back(std::move(name));
      continue;
    }
    if (!pending.empty()) {
      // A file in the middle: only "." or ".." could follow validly, and
      // the kernel says ENOTDIR for both, so does BuildKit.
      return std::nullopt;
    }
    ZL_ASSIGN_OR_RETURN(out.parent_fd, DupFd(parent));
    out.leaf = name;
    out.st = st;
    path.push_back(std::move(name));
    have_final = true;
  }
  if (!have_final) {
    // The root itself (or a path that resolved to it).
    if (!path.empty()) {
      // Ended on a directory pushed while more components were pending
      // that then were all "." or "..": it is the last in fds.
      ZL_ASSIGN_OR_RETURN(
          out.parent_fd,
          DupFd(fds.size() >= 2 ? fds[fds.size() - 2].get() : root_fd));
      out.leaf = path.back();
      if (::fstatat(fds.back().get(), "", &out.st, AT_EMPTY_PATH) != 0) {
        return FailErrno("stat " + out.leaf, errno);
      }
    } else {
      ZL_ASSIGN_OR_RETURN(out.parent_fd, DupFd(root_fd));
      out.leaf = ".";
      if (::fstatat(root_fd, "", &out.st, AT_EMPTY_PATH) != 0) {
        return FailErrno("stat tree root", errno);
      }
    }
  }
  out.path = std::move(path);
  return out;
}

std::string JoinAll(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// The walk below one item, BuildKit's order: names sorted, parents before
// children, and a directory that is only on the way to something included
// reported just before that.
class ItemWalker {
 public:
  ItemWalker(const TreeView& view, const dockerignore::Matcher& excludes,
             const dockerignore::Matcher* includes,
             std::vector<std::vector<std::string>> include_prefixes,
             const WalkCallbacks& callbacks)
      : view_(view),
        ignore_(view.tree().matcher()),
        use_ignore_(view.tree().is_context() && !ignore_.empty()),
        excludes_(excludes),
        includes_(includes),
        include_prefixes_(std::move(include_prefixes)),
        callbacks_(callbacks) {}

  Status VisitDir(base::UniqueFd dir_fd, const std::string& tree_path,
                  const std::string& copy_path,
                  const dockerignore::DirMatch& ignore,
                  const dockerignore::DirMatch& exclude,
                  const dockerignore::DirMatch& include) {
    int fd_for_names =
        ::openat(dir_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_for_names < 0) {
      return FailErrno("open " + view_.AbsPath(tree_path), errno);
    }
    ZL_ASSIGN_OR_RETURN(
        std::vector<std::string> names,
        ReadNames(base::UniqueFd(fd_for_names), view_.AbsPath(tree_path)));
    for (const std::string& name : names) {
      Entry entry;
      entry.parent_fd = dir_fd.get();
      entry.leaf = name;
      entry.tree_path = JoinPath(tree_path, name);
      entry.copy_path = JoinPath(copy_path, name);
      if (::fstatat(dir_fd.get(), name.c_str(), &entry.st,
                    AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;
        return FailErrno("lstat " + view_.AbsPath(entry.tree_path), errno);
      }
      const bool is_dir = S_ISDIR(entry.st.st_mode);
      dockerignore::MatchResult ig;
      if (use_ignore_) {
        ig = ignore_.MatchUsingParent(entry.tree_path, ignore);
        if (ig.excluded &&
            (!is_dir || !ignore_.HasExceptionUnder(entry.tree_path))) {
          continue;
        }
      }
      dockerignore::MatchResult ex;
      if (!excludes_.empty()) {
        ex = excludes_.MatchUsingParent(entry.copy_path, exclude);
        if (ex.excluded &&
            (!is_dir || !excludes_.HasExceptionUnder(entry.copy_path))) {
          continue;
        }
      }
      bool wanted = true;
      dockerignore::MatchResult in;
      if (includes_ != nullptr) {
        in = includes_->MatchUsingParent(entry.copy_path, include);
        wanted = in.excluded;  // "excluded" reads "matched" here
        if (!wanted && (!is_dir || !MayIncludeBelow(entry.copy_path))) {
          continue;
        }
      }
      const bool included = !ig.excluded && !ex.excluded && wanted;
      if (included) {
        ZL_RETURN_IF_ERROR(ReportPending());
        ZL_RETURN_IF_ERROR(callbacks_.enter(entry));
      }
      if (!is_dir) continue;
      int child = ::openat(dir_fd.get(), name.c_str(),
                           O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        if (errno == ENOENT) continue;
        return FailErrno("open " + view_.AbsPath(entry.tree_path), errno);
      }
      ZL_ASSIGN_OR_RETURN(base::UniqueFd parent_copy, DupFd(dir_fd.get()));
      pending_.push_back(Pending{entry, std::move(parent_copy), included});
      size_t depth = pending_.size();
      Status status = VisitDir(base::UniqueFd(child), entry.tree_path,
                               entry.copy_path, ig.dir, ex.dir, in.dir);
      bool reported = pending_[depth - 1].reported;
      pending_.pop_back();
      ZL_RETURN_IF_ERROR(status);
      if (reported) {
        entry.parent_fd = dir_fd.get();
        ZL_RETURN_IF_ERROR(callbacks_.leave(entry));
      }
    }
    return Ok();
  }

 private:
  struct Pending {
    Entry entry;
    base::UniqueFd parent;
    bool reported;
  };

  // Reports the directories on the way to an included entry.
  Status ReportPending() {
    for (Pending& p : pending_) {
      if (p.reported) continue;
      p.entry.parent_fd = p.parent.get();
      ZL_RETURN_IF_ERROR(callbacks_.enter(p.entry));
      p.reported = true;
    }
    return Ok();
  }

  // Whether an include pattern could match something below `dir`: its
  // literal leading components agree with the directory's.
  bool MayIncludeBelow(const std::string& dir) const {
    std::vector<std::string> parts = Components(dir);
    for (const std::vector<std::string>& prefix : include_prefixes_) {
      size_t n = std::min(prefix.size(), parts.size());
      if (std::equal(prefix.begin(), prefix.begin() + n, parts.begin())) {
        return true;
      }
    }
    return false;
  }

  const TreeView& view_;
  const dockerignore::Matcher& ignore_;
  const bool use_ignore_;
  const dockerignore::Matcher& excludes_;
  const dockerignore::Matcher* includes_;
  std::vector<std::vector<std::string>> include_prefixes_;
  const WalkCallbacks& callbacks_;
  std::vector<Pending> pending_;
};

}  // namespace

std::string CleanSlashPath(std::string_view path) {
  return dockerignore::CleanPath(path);
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (name.empty()) return dir;
  return dir + "/" + name;
}

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

Result<std::string> CleanSource(const std::string& source, bool context) {
  if (context) {
    std::string_view rest = source;
    while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    std::string clean = CleanSlashPath(rest);
    if (clean == ".." || clean.starts_with("../")) {
      return Fail("forbidden path outside the build context: " + source,
                  ErrorKind::kInvalid);
    }
    return clean == "." ? std::string() : clean;
  }
  std::string clean = CleanSlashPath("/" + source);
  return clean == "/" ? std::string() : clean.substr(1);
}

Result<TreeView> TreeView::Open(const SourceTree& tree) {
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd,
                      base::OpenFile(tree.dir(), O_PATH | O_DIRECTORY));
  return TreeView(&tree, std::move(fd));
}

std::string TreeView::AbsPath(const std::string& tree_path) const {
  return tree_path.empty() ? tree_->dir() : tree_->dir() + "/" + tree_path;
}

Result<bool> TreeView::HasIncludedBelow(
    int dir_fd, const std::string& tree_path,
    const dockerignore::DirMatch& ignore) const {
  bool found = false;
  WalkCallbacks callbacks{
      .enter =
          [&found](const Entry&) {
            found = true;
            // Stops the walk: the answer is known.
            return Status(
                std::unexpected(Error("found", ErrorKind::kCancelled)));
          },
      .leave = [](const Entry&) { return Ok(); },
  };
  dockerignore::Matcher none;
  ItemWalker walker(*this, none, nullptr, {}, callbacks);
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd, DupFd(dir_fd));
  Status status =
      walker.VisitDir(std::move(fd), tree_path, "", ignore,
                      dockerignore::DirMatch(), dockerignore::DirMatch());
  if (found) return true;
  if (!status) return std::unexpected(status.error());
  return false;
}

Result<std::optional<Item>> TreeView::Lookup(const std::string& path) const {
  ZL_ASSIGN_OR_RETURN(std::optional<Resolved> resolved,
                      ResolveInTree(root_fd(), Components(path)));
  if (!resolved) return std::nullopt;
  Item item;
  item.tree_path = JoinAll(resolved->path);
  item.st = resolved->st;
  item.parent_fd = std::move(resolved->parent_fd);
  item.leaf = resolved->leaf;
  std::vector<std::string> requested = Components(path);
  item.name = requested.empty() ? "" : requested.back();
  const dockerignore::Matcher& ignore = tree_->matcher();
  if (!tree_->is_context() || ignore.empty() || resolved->path.empty()) {
    return item;
  }
  dockerignore::MatchResult match;
  std::string prefix;
  for (const std::string& part : resolved->path) {
    prefix = JoinPath(prefix, part);
    match = ignore.MatchUsingParent(prefix, match.dir);
  }
  item.ignore = match.dir;
  if (!match.excluded) return item;
  if (!S_ISDIR(item.st.st_mode) || !ignore.HasExceptionUnder(item.tree_path)) {
    return std::nullopt;
  }
  ZL_ASSIGN_OR_RETURN(base::UniqueFd dir,
                      base::OpenFileAt(item.parent_fd.get(), item.leaf,
                                       O_PATH | O_DIRECTORY | O_NOFOLLOW));
  ZL_ASSIGN_OR_RETURN(bool any,
                      HasIncludedBelow(dir.get(), item.tree_path, match.dir));
  if (!any) return std::nullopt;
  return item;
}

Result<std::vector<Item>> TreeView::Select(
    const std::string& source, const dockerignore::Matcher& excludes) const {
  std::vector<Item> items;
  auto [literal, pattern] = SplitWildcards(source);
  if (pattern.empty()) {
    ZL_ASSIGN_OR_RETURN(std::optional<Item> item, Lookup(source));
    if (!item) return items;
    if (!S_ISDIR(item->st.st_mode) && !excludes.empty() &&
        excludes.MatchesOrParentMatches(item->name)) {
      return items;
    }
    items.push_back(std::move(*item));
    return items;
  }
  ZL_ASSIGN_OR_RETURN(std::optional<Item> base, Lookup(literal));
  if (!base || !S_ISDIR(base->st.st_mode)) return items;
  // Any depth for a class (which may match "/"), else one level per
  // component of the pattern.
  const size_t max_depth = pattern.find('[') != std::string::npos
                               ? SIZE_MAX
                               : Components(pattern).size();
  std::vector<std::string> matches;
  const dockerignore::Matcher& ignore = tree_->matcher();
  const bool use_ignore = tree_->is_context() && !ignore.empty();
  std::function<Status(int, const std::string&, const std::string&,
                       const dockerignore::DirMatch&, size_t)>
      visit = [&](int dir_fd, const std::string& tree_path,
                  const std::string& rel, const dockerignore::DirMatch& dm,
                  size_t depth) -> Status {
    int names_fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (names_fd < 0) return FailErrno("open " + AbsPath(tree_path), errno);
    ZL_ASSIGN_OR_RETURN(
        std::vector<std::string> names,
        ReadNames(base::UniqueFd(names_fd), AbsPath(tree_path)));
    for (const std::string& name : names) {
      std::string child_tree = JoinPath(tree_path, name);
      std::string child_rel = JoinPath(rel, name);
      struct stat st;
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;
        return FailErrno("lstat " + AbsPath(child_tree), errno);
      }
      const bool is_dir = S_ISDIR(st.st_mode);
      dockerignore::MatchResult ig;
      base::UniqueFd child_fd;
      if (is_dir) {
        child_fd.reset(::openat(dir_fd, name.c_str(),
                                O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!child_fd) continue;
      }
      if (use_ignore) {
        ig = ignore.MatchUsingParent(child_tree, dm);
        if (ig.excluded) {
          if (!is_dir || !ignore.HasExceptionUnder(child_tree)) continue;
          ZL_ASSIGN_OR_RETURN(
              bool any, HasIncludedBelow(child_fd.get(), child_tree, ig.dir));
          if (!any) continue;
        }
      }
      Result<bool> matched = GoMatch(pattern, child_rel);
      if (matched && *matched) {
        matches.push_back(child_tree);
        continue;
      }
      if (is_dir && depth + 1 < max_depth) {
        ZL_RETURN_IF_ERROR(
            visit(child_fd.get(), child_tree, child_rel, ig.dir, depth + 1));
      }
    }
    return Ok();
  };
  ZL_ASSIGN_OR_RETURN(base::UniqueFd base_dir,
                      base::OpenFileAt(base->parent_fd.get(), base->leaf,
                                       O_PATH | O_DIRECTORY | O_NOFOLLOW));
  ZL_RETURN_IF_ERROR(
      visit(base_dir.get(), base->tree_path, "", base->ignore, 0));
  for (const std::string& match : matches) {
    ZL_ASSIGN_OR_RETURN(std::optional<Item> item, Lookup(match));
    if (!item) continue;
    std::vector<std::string> parts = Components(match);
    item->name = parts.back();
    if (!S_ISDIR(item->st.st_mode) && !excludes.empty()) {
      std::string below = match.substr(
          base->tree_path.empty() ? 0 : base->tree_path.size() + 1);
      if (excludes.MatchesOrParentMatches(below)) continue;
    }
    items.push_back(std::move(*item));
  }
  return items;
}

Status TreeView::Walk(const Item& item, const dockerignore::Matcher& excludes,
                      const WalkCallbacks& callbacks) const {
  Entry root;
  root.parent_fd = item.parent_fd.get();
  root.leaf = item.leaf;
  root.tree_path = item.tree_path;
  root.st = item.st;
  ZL_RETURN_IF_ERROR(callbacks.enter(root));
  if (!S_ISDIR(item.st.st_mode)) return Ok();
  std::optional<dockerignore::Matcher> includes;
  std::vector<std::vector<std::string>> prefixes;
  if (!item.includes.empty()) {
    ZL_ASSIGN_OR_RETURN(includes, dockerignore::Matcher::Create(item.includes));
    for (const std::string& pattern : item.includes) {
      std::vector<std::string> prefix;
      for (const std::string& part : Components(pattern)) {
        if (ContainsWildcards(part)) break;
        prefix.push_back(part);
      }
      prefixes.push_back(std::move(prefix));
    }
  }
  ItemWalker walker(*this, excludes, includes ? &*includes : nullptr,
                    std::move(prefixes), callbacks);
  ZL_ASSIGN_OR_RETURN(base::UniqueFd dir,
                      base::OpenFileAt(item.parent_fd.get(), item.leaf,
                                       O_PATH | O_DIRECTORY | O_NOFOLLOW));
  ZL_RETURN_IF_ERROR(walker.VisitDir(std::move(dir), item.tree_path, "",
                                     item.ignore, dockerignore::DirMatch(),
                                     dockerignore::DirMatch()));
  return callbacks.leave(root);
}

}  // namespace zlayer::copy::internal
