#include "layer/change_set.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "base/unique_fd.h"

namespace zlayer::layer {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

// One directory entry as it will appear in the layer.
struct Child {
  std::string layer_name;   // ".wh.<name>" for a whiteout
  std::string source_name;  // empty for an explicit deletion
  struct stat st;
  EntryKind kind;
};

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string path(dir);
  path += '/';
  path += name;
  return path;
}

// "a//b/./c/" -> "a/b/c"; ".." and the root itself are refused, since a
// change set only names paths inside it.
Result<std::string> NormalizeRelative(std::string_view path,
                                      std::string_view what) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      return Fail(std::string(what) + " \"" + std::string(path) +
                      "\": \"..\" is not allowed",
                  ErrorKind::kInvalid);
    }
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) {
    return Fail(std::string(what) + " \"" + std::string(path) +
                    "\": names the root of the change set",
                ErrorKind::kInvalid);
  }
  return out;
}

std::pair<std::string, std::string> SplitParent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

Result<DirHandle> AdoptDir(base::UniqueFd fd, const std::string& path) {
  DirHandle dir(::fdopendir(fd.get()));
  if (!dir) return FailErrno("read directory " + path, errno);
  fd.release();
  return dir;
}

// Opens a subdirectory without following a symlink swapped in for it.
Result<DirHandle> OpenDir(int dir_fd, const std::string& name,
                          const std::string& path) {
  base::UniqueFd fd(::openat(dir_fd, name.c_str(),
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return FailErrno("open directory " + path, errno);
  return AdoptDir(std::move(fd), path);
}

Result<std::string> ReadLinkTarget(int dir_fd, const std::string& name,
                                   const std::string& path) {
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(dir_fd, name.c_str(), target, sizeof(target));
  if (n < 0) return FailErrno("readlink " + path, errno);
  if (static_cast<size_t>(n) == sizeof(target)) {
    return Fail("readlink " + path + ": target too long", ErrorKind::kInvalid);
  }
  return std::string(target, static_cast<size_t>(n));
}

EntryKind KindOf(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return EntryKind::kDirectory;
    case S_IFLNK:
      return EntryKind::kSymlink;
    case S_IFCHR:
      return EntryKind::kCharDevice;
    case S_IFBLK:
      return EntryKind::kBlockDevice;
    case S_IFIFO:
      return EntryKind::kFifo;
    default:
      return EntryKind::kRegular;
  }
}

class Walker {
 public:
  Walker(const ChangeSet& changes, const EntryCallback& callback)
      : changes_(changes),
        overlay_(changes.kind == SourceKind::kOverlayUpper),
        callback_(callback) {}

  Status Run();

 private:
  Status LoadExplicitChanges();
  Status VisitDir(DirHandle dir, const std::string& rel,
                  const struct stat& dir_st);
  Result<std::vector<Child>> ListChildren(DIR* dir, const std::string& rel,
                                          const struct stat& dir_st);
  Status AddDeletions(const std::string& rel, const struct stat& dir_st,
                      std::vector<Child>& children);
  Status VisitChild(int dir_fd, const std::string& rel, const Child& child);
  Status EmitOpaqueMarker(const struct stat& dir_st);

  std::string SourcePath(std::string_view rel) const {
    return rel.empty() ? changes_.root : changes_.root + "/" + std::string(rel);
  }

  const ChangeSet& changes_;
  const bool overlay_;
  const EntryCallback& callback_;
  // Explicit deletions by parent directory; emptied as the walk finds them.
  std::map<std::string, std::set<std::string>> deletions_;
  std::set<std::string> opaque_dirs_;
  XattrReader xattr_reader_;
  // Reused for every entry: the callback sees it before the walk moves on.
  Entry entry_;
};

Status Walker::LoadExplicitChanges() {
  for (const std::string& path : changes_.deletions) {
    ZL_ASSIGN_OR_RETURN(std::string normal,
                        NormalizeRelative(path, "deletion"));
    auto [parent, base] = SplitParent(normal);
    deletions_[parent].insert(base);
  }
  for (const std::string& path : changes_.opaque_dirs) {
    ZL_ASSIGN_OR_RETURN(std::string normal,
                        NormalizeRelative(path, "opaque directory"));
    opaque_dirs_.insert(std::move(normal));
  }
  return Ok();
}

Status Walker::Run() {
  ZL_RETURN_IF_ERROR(LoadExplicitChanges());
  // The root itself may be a symlink to the tree; nothing below it is.
  base::UniqueFd fd(
      ::open(changes_.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return FailErrno("open change set " + changes_.root, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return FailErrno("stat " + changes_.root, errno);
  }
  ZL_ASSIGN_OR_RETURN(DirHandle dir, AdoptDir(std::move(fd), changes_.root));
  ZL_RETURN_IF_ERROR(VisitDir(std::move(dir), "", st));

  if (!deletions_.empty()) {
    const auto& [parent, names] = *deletions_.begin();
    return Fail("deletion " + JoinPath(parent, *names.begin()) +
                    ": parent directory \"" + parent +
                    "\" is not a directory in " + changes_.root,
                ErrorKind::kInvalid);
  }
  if (!opaque_dirs_.empty()) {
    return Fail("opaque directory " + *opaque_dirs_.begin() +
                    " is not a directory in " + changes_.root,
                ErrorKind::kInvalid);
  }
  return Ok();
}

Status Walker::VisitDir(DirHandle dir, const std::string& rel,
                        const struct stat& dir_st) {
  ZL_ASSIGN_OR_RETURN(std::vector<Child> children,
                      ListChildren(dir.get(), rel, dir_st));
  for (const Child& child : children) {
    ZL_RETURN_IF_ERROR(VisitChild(::dirfd(dir.get()), rel, child));
  }
  return Ok();
}

Result<std::vector<Child>> Walker::ListChildren(DIR* dir,
                                                const std::string& rel,
                                                const struct stat& dir_st) {
  std::vector<Child> children;
  int dir_fd = ::dirfd(dir);
  while (true) {
    errno = 0;
    struct dirent* ent = ::readdir(dir);
    if (ent == nullptr) {
      if (errno != 0)
        return FailErrno("read directory " + SourcePath(rel), errno);
      break;
    }
    std::string_view name = ent->d_name;
    if (name == "." || name == "..") continue;
    Child child{std::string(name), std::string(name), {}, EntryKind::kRegular};
    if (::fstatat(dir_fd, ent->d_name, &child.st, AT_SYMLINK_NOFOLLOW) != 0) {
      return FailErrno("stat " + SourcePath(JoinPath(rel, name)), errno);
    }
    if (S_ISSOCK(child.st.st_mode)) continue;
    if (name.starts_with(kWhiteoutPrefix)) {
      return Fail(SourcePath(JoinPath(rel, name)) +
                      ": names starting with \".wh.\" are reserved for "
                      "whiteouts and cannot be stored in a layer",
                  ErrorKind::kInvalid);
    }
    child.kind = KindOf(child.st.st_mode);
    if (overlay_ && child.kind == EntryKind::kCharDevice &&
        child.st.st_rdev == 0) {
      child.kind = EntryKind::kWhiteout;
      child.layer_name = std::string(kWhiteoutPrefix) + child.layer_name;
      child.st.st_mode = S_IFREG | 0600;
    }
    children.push_back(std::move(child));
  }
  ZL_RETURN_IF_ERROR(AddDeletions(rel, dir_st, children));
  std::sort(children.begin(), children.end(),
            [](const Child& a, const Child& b) {
              return a.layer_name < b.layer_name;
            });
  return children;
}

Status Walker::AddDeletions(const std::string& rel, const struct stat& dir_st,
                            std::vector<Child>& children) {
  auto found = deletions_.find(rel);
  if (found == deletions_.end()) return Ok();
  for (const std::string& name : found->second) {
    auto same =
        std::find_if(children.begin(), children.end(),
                     [&](const Child& c) { return c.source_name == name; });
    if (same != children.end()) {
      // An overlay whiteout already says the same thing.
      if (same->kind == EntryKind::kWhiteout) continue;
      return Fail("deletion " + JoinPath(rel, name) +
                      ": the path is also present in " + changes_.root,
                  ErrorKind::kInvalid);
    }
    Child child{std::string(kWhiteoutPrefix) + name, "", dir_st,
                EntryKind::kWhiteout};
    child.st.st_mode = S_IFREG | 0600;
    children.push_back(std::move(child));
  }
  deletions_.erase(found);
  return Ok();
}

Status Walker::VisitChild(int dir_fd, const std::string& rel,
                          const Child& child) {
  entry_.path = JoinPath(rel, child.layer_name);
  entry_.kind = child.kind;
  entry_.st = child.st;
  entry_.link_target.clear();
  entry_.xattrs.clear();
  entry_.dir_fd = -1;
  entry_.source_name = nullptr;
  if (child.kind == EntryKind::kWhiteout) return callback_(entry_);

  OverlayMarks marks;
  ZL_ASSIGN_OR_RETURN(entry_.xattrs,
                      xattr_reader_.Read(SourcePath(entry_.path), marks));
  if (overlay_ && (marks.redirect || marks.metacopy)) {
    return Fail(
        SourcePath(entry_.path) + ": overlay " +
            (marks.redirect ? "redirect_dir" : "metacopy") +
            " is in use; its changes cannot be read from the upper "
            "directory alone (mount with redirect_dir=off,metacopy=off)",
        ErrorKind::kUnsupported);
  }
  if (child.kind == EntryKind::kSymlink) {
    ZL_ASSIGN_OR_RETURN(
        entry_.link_target,
        ReadLinkTarget(dir_fd, child.source_name, SourcePath(entry_.path)));
  }
  if (child.kind == EntryKind::kRegular) {
    entry_.dir_fd = dir_fd;
    entry_.source_name = child.source_name.c_str();
  }
  ZL_RETURN_IF_ERROR(callback_(entry_));
  if (child.kind != EntryKind::kDirectory) return Ok();

  std::string path = entry_.path;
  bool listed_opaque = opaque_dirs_.erase(path) > 0;
  if (listed_opaque || (overlay_ && marks.opaque)) {
    ZL_RETURN_IF_ERROR(EmitOpaqueMarker(child.st));
  }
  ZL_ASSIGN_OR_RETURN(DirHandle dir,
                      OpenDir(dir_fd, child.source_name, SourcePath(path)));
  return VisitDir(std::move(dir), path, child.st);
}

// Called with entry_ still describing the directory.
Status Walker::EmitOpaqueMarker(const struct stat& dir_st) {
  entry_.path += '/';
  entry_.path += kOpaqueMarker;
  entry_.kind = EntryKind::kOpaque;
  entry_.st = dir_st;
  entry_.st.st_mode = S_IFREG | (dir_st.st_mode & 0777);
  entry_.xattrs.clear();
  return callback_(entry_);
}

}  // namespace

Status WalkChangeSet(const ChangeSet& changes, const EntryCallback& callback) {
  Walker walker(changes, callback);
  return walker.Run();
}

}  // namespace zlayer::layer
