#include "copy/copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <set>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "copy/add.h"
#include "copy/chmod.h"
#include "copy/dest.h"
#include "copy/job_pool.h"
#include "copy/match.h"
#include "copy/source.h"
#include "extract/root_resolver.h"

namespace zlayer::copy {

using internal::Components;
using internal::DestRoot;
using internal::Entry;
using internal::Item;
using internal::JobPool;
using internal::JoinPath;
using internal::ShowPath;
using internal::TreeView;

Result<SourceTree> SourceTree::Context(std::string dir,
                                       dockerignore::Matcher matcher) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    return FailErrno("build context " + dir, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Fail("build context " + dir + " is not a directory",
                ErrorKind::kInvalid);
  }
  return SourceTree(std::move(dir), std::move(matcher), true);
}

Result<SourceTree> SourceTree::Rootfs(std::string dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return FailErrno("source " + dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return Fail("source " + dir + " is not a directory", ErrorKind::kInvalid);
  }
  return SourceTree(std::move(dir), dockerignore::Matcher(), false);
}

namespace {

// A wildcard source whose literal directory exists (it may match nothing).
template <typename View>
Result<bool> IsEmptyWildcard(const View& view, const std::string& clean) {
  if (!ContainsWildcards(clean)) return false;
  std::string dir = SplitWildcards(clean).first;
  if (dir.empty() || dir == "/") return true;
  ZL_ASSIGN_OR_RETURN(auto found, view.Lookup(dir));
  return found.has_value();
}

// A source as the request names it, resolved against the tree.
struct PlannedSource {
  bool is_url = false;
  std::string text;
  std::vector<Item> items;
};

struct Plan {
  ModeSpec mode;
  dockerignore::Matcher excludes;
  std::vector<PlannedSource> sources;
  std::string dest;  // absolute, clean
  bool dest_is_dir = false;
};

std::string CommandName(const CopyRequest& request) {
  return request.is_add ? "ADD" : "COPY";
}

bool LooksLikeGit(const std::string& source) {
  if (source.starts_with("git@") || source.starts_with("git://") ||
      source.starts_with("ssh://")) {
    return true;
  }
  std::string base = source.substr(0, source.find('#'));
  return base.ends_with(".git") || base.ends_with(".git/");
}

// BuildKit's pathRelativeToWorkingDir plus the slash that makes "." a
// directory.
std::string AbsoluteDest(const CopyRequest& request, bool* is_dir) {
  const std::string& dest = request.dest;
  *is_dir = dest.empty() || dest == "." || dest == ".." ||
            dest.ends_with("/") || dest.ends_with("/.") ||
            dest.ends_with("/..");
  std::string joined =
      dest.starts_with("/")
          ? dest
          : (request.workdir.empty() ? "/" : request.workdir) + "/" + dest;
  if (!joined.starts_with("/")) joined = "/" + joined;
  return internal::CleanSlashPath(joined);
}

Status NotFound(const SourceTree& tree, const CopyRequest& request,
                const std::string& source) {
  if (tree.is_context()) {
    return Fail(CommandName(request) +
                    " failed: file not found in build context: " + source,
                ErrorKind::kNotFound);
  }
  return Fail(CommandName(request) + " failed: " + source + ": not found",
              ErrorKind::kNotFound);
}

Status CheckRemote(const CopyRequest& request, const std::string& source) {
  if (!request.is_add) {
    return Fail("source can't be a URL for COPY: " + source,
                ErrorKind::kInvalid);
  }
  if (LooksLikeGit(source)) {
    return Fail("ADD of git repositories is not supported: " + source,
                ErrorKind::kUnsupported);
  }
  return Ok();
}

Result<Plan> MakePlan(const TreeView& view, const CopyRequest& request) {
  const SourceTree& tree = view.tree();
  Plan plan;
  ZL_ASSIGN_OR_RETURN(plan.mode,
                      WithContext(ModeSpec::Parse(request.chmod),
                                  CommandName(request) + " --chmod"));
  if (!request.excludes.empty()) {
    ZL_ASSIGN_OR_RETURN(
        plan.excludes,
        WithContext(dockerignore::Matcher::Create(request.excludes),
                    CommandName(request) + " --exclude"));
  }
  if (!request.checksum.empty()) {
    if (!request.is_add) {
      return Fail("checksum can't be specified for COPY", ErrorKind::kInvalid);
    }
    if (request.sources.size() != 1 || !request.inline_files.empty()) {
      return Fail("checksum can't be specified for multiple sources",
                  ErrorKind::kInvalid);
    }
    if (!IsUrl(request.sources[0])) {
      return Fail("checksum requires HTTP(S) or Git sources",
                  ErrorKind::kInvalid);
    }
  }
  if (request.sources.empty() && request.inline_files.empty()) {
    return Fail(CommandName(request) + " requires at least one source",
                ErrorKind::kInvalid);
  }
  plan.dest = AbsoluteDest(request, &plan.dest_is_dir);
  size_t count = request.inline_files.size();
  for (const std::string& source : request.sources) {
    PlannedSource planned;
    planned.text = source;
    if ((request.is_add && IsRemoteSource(source)) ||
        (!request.is_add && IsUrl(source))) {
      ZL_RETURN_IF_ERROR(CheckRemote(request, source));
      planned.is_url = true;
      plan.sources.push_back(std::move(planned));
      ++count;
      continue;
    }
    std::string path = source;
    std::vector<std::string> includes;
    std::string required;
    if (request.parents) {
      size_t pivot = source.find("/./");
      std::string pattern = source;
      path = "/";
      if (pivot != std::string::npos) {
        path = source.substr(0, pivot);
        pattern = source.substr(pivot + 3);
      }
      std::string clean_pattern = internal::CleanSlashPath("/" + pattern);
      clean_pattern = clean_pattern == "/" ? "" : clean_pattern.substr(1);
      if (!clean_pattern.empty()) includes.push_back(clean_pattern);
      if (!ContainsWildcards(path) && !ContainsWildcards(pattern)) {
        required = JoinPath(path, pattern);
      }
    }
    ZL_ASSIGN_OR_RETURN(
        std::string clean,
        WithContext(internal::CleanSource(path, tree.is_context()),
                    CommandName(request) + " failed"));
    if (!required.empty()) {
      ZL_ASSIGN_OR_RETURN(
          std::string clean_required,
          WithContext(internal::CleanSource(required, tree.is_context()),
                      CommandName(request) + " failed"));
      ZL_ASSIGN_OR_RETURN(std::optional<Item> found,
                          view.Lookup(clean_required));
      if (!found)
        return std::unexpected(NotFound(tree, request, source).error());
    }
    static const dockerignore::Matcher kNoExcludes;
    ZL_ASSIGN_OR_RETURN(
        planned.items,
        view.Select(clean, request.parents ? kNoExcludes : plan.excludes));
    if (planned.items.empty()) {
      // A source whose only matches were dropped by --exclude copies
      // nothing. So does a wildcard that matches nothing, as in BuildKit
      // (AllowEmptyWildcard: `COPY requirements.txt* ./` copies an
      // optional file), provided the directory before the wildcard
      // exists; anything else that matches nothing is an error.
      ZL_ASSIGN_OR_RETURN(std::vector<Item> unfiltered,
                          view.Select(clean, kNoExcludes));
      if (unfiltered.empty()) {
        ZL_ASSIGN_OR_RETURN(bool optional, IsEmptyWildcard(view, clean));
        if (!optional) {
          return std::unexpected(NotFound(tree, request, source).error());
        }
      }
    }
    for (Item& item : planned.items) item.includes = includes;
    count += planned.items.size();
    plan.sources.push_back(std::move(planned));
  }
  if (!request.parents && count > 1 && !plan.dest_is_dir) {
    return Fail("When using " + CommandName(request) +
                    " with more than one source file, the destination must "
                    "be a directory and end with a /",
                ErrorKind::kInvalid);
  }
  return plan;
}

// --- DigestInputs -----------------------------------------------------

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
    default:
      return '?';
  }
}

struct Collected {
  std::string path;
  struct stat st {};
  std::string link;
  base::Digest content;
};

void AddField(base::Sha256& sha, std::string_view name,
              std::string_view value) {
  sha.Update(name);
  sha.Update(std::to_string(value.size()));
  sha.Update(":");
  sha.Update(value);
  sha.Update("\n");
}

base::Digest EntryHash(const Collected& c, bool with_owner) {
  base::Sha256 sha;
  AddField(sha, "type", std::string(1, TypeChar(c.st.st_mode)));
  AddField(sha, "mode", std::to_string(c.st.st_mode & 07777));
  if (S_ISREG(c.st.st_mode)) {
    AddField(sha, "size", std::to_string(c.st.st_size));
    AddField(sha, "content", c.content.ToString());
  }
  if (S_ISLNK(c.st.st_mode)) AddField(sha, "link", c.link);
  if (S_ISCHR(c.st.st_mode) || S_ISBLK(c.st.st_mode)) {
    AddField(sha, "rdev", std::to_string(c.st.st_rdev));
  }
  if (with_owner) {
    AddField(sha, "uid", std::to_string(c.st.st_uid));
    AddField(sha, "gid", std::to_string(c.st.st_gid));
  }
  return base::Digest::FromBytes(sha.Finish());
}

Result<base::Digest> HashOpenFile(int fd, const std::string& shown) {
  base::Sha256 sha;
  std::vector<char> buffer(1 << 20);
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("read " + shown, errno);
    }
    if (n == 0) break;
    sha.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    offset += n;
  }
  return base::Digest::FromBytes(sha.Finish());
}

}  // namespace

Result<InputDigest> DigestInputs(const SourceTree& tree,
                                 const CopyRequest& request,
                                 HashCache* hashes) {
  ZL_ASSIGN_OR_RETURN(TreeView view, TreeView::Open(tree));
  ZL_ASSIGN_OR_RETURN(Plan plan, MakePlan(view, request));

  std::map<std::string, std::unique_ptr<Collected>> collected;
  std::vector<InputFile> remote;
  {
    JobPool pool;
    internal::WalkCallbacks callbacks{
        .enter = [&](const Entry& entry) -> Status {
          auto [it, fresh] = collected.try_emplace(entry.tree_path);
          if (!fresh) return Ok();
          it->second = std::make_unique<Collected>();
          Collected* c = it->second.get();
          c->path = entry.tree_path.empty() ? "." : entry.tree_path;
          c->st = entry.st;
          if (S_ISLNK(entry.st.st_mode)) {
            ZL_ASSIGN_OR_RETURN(
                c->link, extract::ReadLinkAt(entry.parent_fd, entry.leaf,
                                             view.AbsPath(entry.tree_path)));
            return Ok();
          }
          if (!S_ISREG(entry.st.st_mode)) return Ok();
          std::string abs = view.AbsPath(entry.tree_path);
          if (hashes != nullptr) {
            if (std::optional<base::Digest> hit = hashes->Lookup(abs, c->st)) {
              c->content = std::move(*hit);
              return Ok();
            }
          }
          ZL_ASSIGN_OR_RETURN(base::UniqueFd fd,
                              base::OpenFileAt(entry.parent_fd, entry.leaf,
                                               O_RDONLY | O_NOFOLLOW));
          auto shared = std::make_shared<base::UniqueFd>(std::move(fd));
          pool.Submit([c, shared, abs, hashes]() -> Status {
            // Hashes what is read now, so the stat must be this file's.
            struct stat st;
            if (::fstat(shared->get(), &st) != 0) {
              return FailErrno("stat " + abs, errno);
            }
            c->st = st;
            if (hashes != nullptr) {
              ZL_ASSIGN_OR_RETURN(
                  c->content, hashes->ContentDigest(abs, shared->get(), st));
            } else {
              ZL_ASSIGN_OR_RETURN(c->content, HashOpenFile(shared->get(), abs));
            }
            return Ok();
          });
          return Ok();
        },
        .leave = [](const Entry&) { return Ok(); },
    };
    for (const PlannedSource& source : plan.sources) {
      if (source.is_url) {
        InputFile file;
        file.path = source.text;
        if (!request.checksum.empty()) {
          ZL_ASSIGN_OR_RETURN(file.hash, base::Digest::Parse(request.checksum));
        } else {
          ZL_ASSIGN_OR_RETURN(base::TempDir temp, base::TempDir::Create());
          ZL_ASSIGN_OR_RETURN(Download download,
                              FetchUrl(source.text, "", temp.path()));
          file.hash = download.digest;
        }
        remote.push_back(std::move(file));
        continue;
      }
      for (const Item& item : source.items) {
        ZL_RETURN_IF_ERROR(view.Walk(item, plan.excludes, callbacks));
        if (pool.failed()) break;
      }
    }
    ZL_RETURN_IF_ERROR(pool.Wait());
  }

  InputDigest result;
  const bool with_owner = !tree.is_context();
  for (auto& [path, c] : collected) {
    result.files.push_back(InputFile{c->path, EntryHash(*c, with_owner)});
  }
  for (InputFile& file : remote) result.files.push_back(std::move(file));
  std::sort(
      result.files.begin(), result.files.end(),
      [](const InputFile& a, const InputFile& b) { return a.path < b.path; });

  base::Sha256 sha;
  sha.Update("zlayer copy inputs v1\n");
  AddField(sha, "command", CommandName(request));
  for (const std::string& source : request.sources) {
    AddField(sha, "source", source);
  }
  for (const InlineFile& file : request.inline_files) {
    AddField(sha, "inline-name", file.name);
    AddField(sha, "inline-data", file.data);
  }
  AddField(sha, "dest", request.dest);
  AddField(sha, "workdir", request.workdir);
  for (const std::string& exclude : request.excludes) {
    AddField(sha, "exclude", exclude);
  }
  AddField(sha, "parents", request.parents ? "1" : "0");
  if (request.chown) {
    AddField(sha, "chown",
             std::to_string(request.chown->uid) + ":" +
                 std::to_string(request.chown->gid));
  }
  AddField(sha, "chmod", request.chmod);
  AddField(sha, "unpack",
           request.unpack ? (*request.unpack ? "1" : "0") : "default");
  AddField(sha, "checksum", request.checksum);
  for (const InputFile& file : result.files) {
    AddField(sha, "file", file.path);
    AddField(sha, "hash", file.hash.ToString());
  }
  result.digest = base::Digest::FromBytes(sha.Finish());
  return result;
}

// --- Copy ---------------------------------------------------------------

namespace {

struct Frame {
  base::UniqueFd fd;  // O_RDONLY directory
  std::vector<std::string> path;
  struct stat st {};
};

class Copier {
 public:
  Copier(const CopyRequest& request, const Plan& plan, const DestRoot& root,
         const std::string& dest_root)
      : request_(request), plan_(plan), root_(root), dest_root_(dest_root) {}

  Status CopyItem(const TreeView& view, const Item& item, bool keep_owner);
  Status Finish() { return pool_.Wait(); }

 private:
  struct Owner2 {
    uid_t uid;
    gid_t gid;
  };
  Owner2 OwnerFor(const struct stat& st, bool keep_owner) const {
    if (request_.chown) return {request_.chown->uid, request_.chown->gid};
    if (keep_owner) return {st.st_uid, st.st_gid};
    return {0, 0};
  }
  uint32_t ModeFor(const struct stat& st) const {
    if (plan_.mode.empty()) return st.st_mode & 07777;
    return plan_.mode.Apply(st.st_mode, S_ISDIR(st.st_mode));
  }
  uid_t CreatedUid() const { return request_.chown ? request_.chown->uid : 0; }
  gid_t CreatedGid() const { return request_.chown ? request_.chown->gid : 0; }

  Status CopyDir(const TreeView& view, const Item& item, bool keep_owner);
  Status CopyFile(const TreeView& view, const Item& item, bool keep_owner);
  // Creates `name` in the directory `frame` from the source `entry`.
  Status Create(Frame& frame, const std::string& name, const Entry& entry,
                bool keep_owner, std::vector<Frame>* dirs);

  const CopyRequest& request_;
  const Plan& plan_;
  const DestRoot& root_;
  const std::string& dest_root_;
  JobPool pool_;
  // First copy of a multiply linked file: where it went (real path).
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

Result<base::UniqueFd> ReopenDir(int fd, const std::string& shown) {
  int dir = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return FailErrno("open " + shown, errno);
  return base::UniqueFd(dir);
}

Status SetTimes(int fd, const struct stat& st, const std::string& shown) {
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::futimens(fd, times) != 0) return FailErrno("utime " + shown, errno);
  return Ok();
}

Status Copier::Create(Frame& frame, const std::string& name, const Entry& entry,
                      bool keep_owner, std::vector<Frame>* dirs) {
  std::vector<std::string> target_path = frame.path;
  target_path.push_back(name);
  const std::string shown = ShowPath(target_path);
  const struct stat& st = entry.st;
  const Owner2 owner = OwnerFor(st, keep_owner);
  const uint32_t mode = ModeFor(st);
  struct stat existing;
  bool exists = ::fstatat(frame.fd.get(), name.c_str(), &existing,
                          AT_SYMLINK_NOFOLLOW) == 0;
  if (!exists && errno != ENOENT) return FailErrno("lstat " + shown, errno);

  if (S_ISDIR(st.st_mode)) {
    if (exists && !S_ISDIR(existing.st_mode)) {
      return Fail("cannot copy to non-directory: " + shown);
    }
    if (!exists && ::mkdirat(frame.fd.get(), name.c_str(), 0700) != 0) {
      return FailErrno("mkdir " + shown, errno);
    }
    ZL_ASSIGN_OR_RETURN(base::UniqueFd fd,
                        base::OpenFileAt(frame.fd.get(), name,
                                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (::fchown(fd.get(), owner.uid, owner.gid) != 0) {
      return FailErrno("chown " + shown, errno);
    }
    if (::fchmod(fd.get(), mode) != 0)
      return FailErrno("chmod " + shown, errno);
    base::UniqueFd src(
        ::openat(entry.parent_fd, entry.leaf.c_str(),
                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (src) internal::CopyXattrs(src.get(), fd.get());
    dirs->push_back(Frame{std::move(fd), std::move(target_path), st});
    return Ok();
  }

  if (exists) {
    if (S_ISDIR(existing.st_mode)) {
      return Fail("cannot replace to directory " + shown + " with file");
    }
    if (::unlinkat(frame.fd.get(), name.c_str(), 0) != 0) {
      return FailErrno("remove " + shown, errno);
    }
  }
  struct timespec times[2] = {st.st_atim, st.st_mtim};

  if (S_ISREG(st.st_mode)) {
    std::string real;
    for (const std::string& part : target_path) real = JoinPath(real, part);
    if (st.st_nlink > 1) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      auto it = links_.find(key);
      if (it != links_.end()) {
        if (::linkat(root_.root_fd(), it->second.c_str(), frame.fd.get(),
                     name.c_str(), 0) != 0) {
          return FailErrno("link " + shown, errno);
        }
        return Ok();
      }
      links_.emplace(key, real);
    }
    ZL_ASSIGN_OR_RETURN(
        base::UniqueFd src,
        base::OpenFileAt(entry.parent_fd, entry.leaf, O_RDONLY | O_NOFOLLOW));
    ZL_ASSIGN_OR_RETURN(
        base::UniqueFd dst,
        base::OpenFileAt(frame.fd.get(), name,
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
    auto src_fd = std::make_shared<base::UniqueFd>(std::move(src));
    auto dst_fd = std::make_shared<base::UniqueFd>(std::move(dst));
    off_t size = st.st_size;
    pool_.Submit([src_fd, dst_fd, size, shown, owner, mode, t0 = times[0],
                  t1 = times[1]]() -> Status {
      ZL_RETURN_IF_ERROR(
          internal::CopyFileData(src_fd->get(), dst_fd->get(), size, shown));
      if (::fchown(dst_fd->get(), owner.uid, owner.gid) != 0) {
        return FailErrno("chown " + shown, errno);
      }
      if (::fchmod(dst_fd->get(), mode) != 0) {
        return FailErrno("chmod " + shown, errno);
      }
      internal::CopyXattrs(src_fd->get(), dst_fd->get());
      struct timespec ts[2] = {t0, t1};
      if (::futimens(dst_fd->get(), ts) != 0) {
        return FailErrno("utime " + shown, errno);
      }
      return dst_fd->Close(shown);
    });
    return Ok();
  }

  if (S_ISLNK(st.st_mode)) {
    ZL_ASSIGN_OR_RETURN(
        std::string target,
        extract::ReadLinkAt(entry.parent_fd, entry.leaf, entry.tree_path));
    if (::symlinkat(target.c_str(), frame.fd.get(), name.c_str()) != 0) {
      return FailErrno("symlink " + shown, errno);
    }
  } else {
    // Devices and FIFOs as they are; a socket becomes an empty file, as
    // fsutil's copyDevice makes it.
    mode_t type = S_ISSOCK(st.st_mode) ? S_IFREG : (st.st_mode & S_IFMT);
    if (::mknodat(frame.fd.get(), name.c_str(), type | 0600, st.st_rdev) != 0) {
      return FailErrno("mknod " + shown, errno);
    }
  }
  if (::fchownat(frame.fd.get(), name.c_str(), owner.uid, owner.gid,
                 AT_SYMLINK_NOFOLLOW) != 0) {
    return FailErrno("chown " + shown, errno);
  }
  if (!S_ISLNK(st.st_mode) &&
      ::fchmodat(frame.fd.get(), name.c_str(), mode, 0) != 0) {
    return FailErrno("chmod " + shown, errno);
  }
  if (::utimensat(frame.fd.get(), name.c_str(), times, AT_SYMLINK_NOFOLLOW) !=
      0) {
    return FailErrno("utime " + shown, errno);
  }
  return Ok();
}

Status Copier::CopyDir(const TreeView& view, const Item& item,
                       bool keep_owner) {
  ZL_ASSIGN_OR_RETURN(internal::DestLocation loc, root_.Resolve(plan_.dest));
  if (loc.exists && !S_ISDIR(loc.st.st_mode)) {
    return Fail("cannot copy to non-directory: " + ShowPath(loc.path));
  }
  ZL_ASSIGN_OR_RETURN(base::UniqueFd top_path,
                      root_.EnsureDir(loc.path, CreatedUid(), CreatedGid()));
  ZL_ASSIGN_OR_RETURN(base::UniqueFd top,
                      ReopenDir(top_path.get(), ShowPath(loc.path)));
  std::vector<Frame> frames;
  internal::WalkCallbacks callbacks{
      .enter = [&](const Entry& entry) -> Status {
        if (entry.copy_path.empty() && frames.empty()) {
          frames.push_back(Frame{std::move(top), loc.path, entry.st});
          return Ok();
        }
        return Create(frames.back(), entry.leaf, entry, keep_owner, &frames);
      },
      .leave = [&](const Entry&) -> Status {
        Frame frame = std::move(frames.back());
        frames.pop_back();
        return SetTimes(frame.fd.get(), frame.st, ShowPath(frame.path));
      },
  };
  return view.Walk(item, plan_.excludes, callbacks);
}

Status Copier::CopyFile(const TreeView& view, const Item& item,
                        bool keep_owner) {
  ZL_ASSIGN_OR_RETURN(internal::DestLocation loc, root_.Resolve(plan_.dest));
  std::vector<std::string> dir = loc.path;
  std::string name = item.name;
  if (plan_.dest_is_dir) {
    if (loc.exists && !S_ISDIR(loc.st.st_mode)) {
      return Fail("cannot copy into non-directory: " + ShowPath(loc.path));
    }
  } else if (!(loc.exists && S_ISDIR(loc.st.st_mode))) {
    name = dir.back();
    dir.pop_back();
  }
  const bool unpack = request_.unpack.value_or(true);
  if (request_.is_add && unpack && S_ISREG(item.st.st_mode)) {
    std::string abs = view.AbsPath(item.tree_path);
    ZL_ASSIGN_OR_RETURN(bool archive, IsArchive(abs));
    if (archive) {
      ZL_RETURN_IF_ERROR(pool_.Wait());
      std::optional<ExtractOwner> owner;
      if (request_.chown) {
        owner = ExtractOwner{request_.chown->uid, request_.chown->gid};
      }
      return ExtractArchive(abs, dest_root_, plan_.dest, owner);
    }
  }
  ZL_ASSIGN_OR_RETURN(base::UniqueFd dir_path,
                      root_.EnsureDir(dir, CreatedUid(), CreatedGid()));
  ZL_ASSIGN_OR_RETURN(base::UniqueFd dir_fd,
                      ReopenDir(dir_path.get(), ShowPath(dir)));
  Frame frame{std::move(dir_fd), dir, {}};
  Entry entry;
  entry.parent_fd = item.parent_fd.get();
  entry.leaf = item.leaf;
  entry.tree_path = item.tree_path;
  entry.st = item.st;
  std::vector<Frame> unused;
  return Create(frame, name, entry, keep_owner, &unused);
}

Status Copier::CopyItem(const TreeView& view, const Item& item,
                        bool keep_owner) {
  // Items run one after another: a later source may overwrite what an
  // earlier one wrote, so earlier data must have landed first.
  ZL_RETURN_IF_ERROR(pool_.Wait());
  links_.clear();
  if (S_ISDIR(item.st.st_mode)) return CopyDir(view, item, keep_owner);
  return CopyFile(view, item, keep_owner);
}

// A scratch tree for files that do not come from the source tree (inline
// documents and downloads).
struct Scratch {
  base::TempDir dir;
  std::optional<SourceTree> tree;
  std::optional<TreeView> view;
};

Result<Scratch> MakeScratch() {
  Scratch scratch;
  ZL_ASSIGN_OR_RETURN(scratch.dir, base::TempDir::Create("", "zlayer-copy-"));
  ZL_ASSIGN_OR_RETURN(SourceTree tree, SourceTree::Rootfs(scratch.dir.path()));
  scratch.tree.emplace(std::move(tree));
  ZL_ASSIGN_OR_RETURN(TreeView view, TreeView::Open(*scratch.tree));
  scratch.view.emplace(std::move(view));
  return scratch;
}

}  // namespace

Status Copy(const SourceTree& tree, const CopyRequest& request,
            const std::string& dest_root) {
  ZL_ASSIGN_OR_RETURN(TreeView view, TreeView::Open(tree));
  ZL_ASSIGN_OR_RETURN(Plan plan, MakePlan(view, request));
  ZL_ASSIGN_OR_RETURN(DestRoot root, DestRoot::Open(dest_root));
  Copier copier(request, plan, root, dest_root);
  const bool keep_owner = !tree.is_context();
  for (const PlannedSource& source : plan.sources) {
    if (!source.is_url) {
      for (const Item& item : source.items) {
        ZL_RETURN_IF_ERROR(copier.CopyItem(view, item, keep_owner));
      }
      continue;
    }
    ZL_ASSIGN_OR_RETURN(Scratch scratch, MakeScratch());
    ZL_ASSIGN_OR_RETURN(
        Download download,
        FetchUrl(source.text, request.checksum, scratch.dir.path()));
    std::string rel = download.path;
    if (rel.starts_with(scratch.dir.path() + "/")) {
      rel = rel.substr(scratch.dir.path().size() + 1);
    }
    // BuildKit's HTTP source writes 0600 files dated by Last-Modified.
    if (::chmod(download.path.c_str(), 0600) != 0) {
      return FailErrno("chmod " + download.path, errno);
    }
    if (download.mtime > 0) {
      struct timespec times[2] = {{download.mtime, 0}, {download.mtime, 0}};
      if (::utimensat(AT_FDCWD, download.path.c_str(), times, 0) != 0) {
        return FailErrno("utime " + download.path, errno);
      }
    }
    ZL_ASSIGN_OR_RETURN(std::optional<Item> item, scratch.view->Lookup(rel));
    if (!item) return Fail("downloaded file vanished: " + download.path);
    item->name = download.file_name;
    CopyRequest url_request = request;
    url_request.unpack = request.unpack.value_or(false);
    Copier url_copier(url_request, plan, root, dest_root);
    ZL_RETURN_IF_ERROR(copier.Finish());
    ZL_RETURN_IF_ERROR(url_copier.CopyItem(*scratch.view, *item, false));
    ZL_RETURN_IF_ERROR(url_copier.Finish());
  }
  if (!request.inline_files.empty()) {
    ZL_ASSIGN_OR_RETURN(Scratch scratch, MakeScratch());
    for (size_t i = 0; i < request.inline_files.size(); ++i) {
      const InlineFile& file = request.inline_files[i];
      std::string rel = "inline-" + std::to_string(i);
      ZL_RETURN_IF_ERROR(base::WriteFileAtomic(scratch.dir.path() + "/" + rel,
                                               file.data, 0644));
      ZL_ASSIGN_OR_RETURN(std::optional<Item> item, scratch.view->Lookup(rel));
      if (!item) return Fail("inline file vanished: " + rel);
      std::vector<std::string> parts = Components(file.name);
      item->name = parts.empty() ? file.name : parts.back();
      if (item->name.empty()) {
        return Fail(CommandName(request) + ": inline file without a name",
                    ErrorKind::kInvalid);
      }
      // Inline documents are never archives to unpack.
      CopyRequest inline_request = request;
      inline_request.is_add = false;
      Copier inline_copier(inline_request, plan, root, dest_root);
      ZL_RETURN_IF_ERROR(copier.Finish());
      ZL_RETURN_IF_ERROR(inline_copier.CopyItem(*scratch.view, *item, false));
      ZL_RETURN_IF_ERROR(inline_copier.Finish());
    }
  }
  return copier.Finish();
}

}  // namespace zlayer::copy
