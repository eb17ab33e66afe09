// ADD's local archives: detection by content and extraction inside a root.
#include <archive.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/log.h"
#include "base/unique_fd.h"
#include "copy/add.h"
#include "extract/entry_name.h"
#include "extract/entry_writer.h"
#include "extract/extract.h"
#include "extract/layer_reader.h"
#include "extract/layer_state.h"
#include "extract/root_resolver.h"

namespace zlayer::copy {
namespace {

using extract::EntryType;
using extract::PathComponents;
using extract::Quote;
using extract::ResolvedDir;
using extract::ResolveMode;
using extract::RootResolver;

constexpr size_t kTarBlock = 512;
constexpr size_t kChecksumOffset = 148;
constexpr size_t kChecksumSize = 8;
// "none" plus one decompressor: a gzip inside a gzip is not a tarball.
constexpr int kMaxFilters = 2;
constexpr mode_t kImpliedDirMode = 0755;

// Whether `block` is a tar header Go's archive/tar accepts: its checksum
// field matches the unsigned or the (historic) signed sum of the block.
bool IsTarHeader(const std::array<unsigned char, kTarBlock>& block) {
  std::string_view field(
      reinterpret_cast<const char*>(block.data()) + kChecksumOffset,
      kChecksumSize);
  size_t first = field.find_first_not_of(std::string_view(" \0", 2));
  if (first == std::string_view::npos) return false;
  field.remove_prefix(first);
  field =
      field.substr(0, field.find_last_not_of(std::string_view(" \0", 2)) + 1);
  field = field.substr(0, field.find('\0'));
  uint64_t stored = 0;
  for (char c : field) {
    if (c < '0' || c > '7') return false;
    stored = stored * 8 + static_cast<uint64_t>(c - '0');
  }
  int64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kTarBlock; ++i) {
    bool in_field = i >= kChecksumOffset && i < kChecksumOffset + kChecksumSize;
    unsigned char c = in_field ? ' ' : block[i];
    unsigned_sum += c;
    signed_sum += static_cast<signed char>(c);
  }
  return static_cast<int64_t>(stored) == unsigned_sum ||
         static_cast<int64_t>(stored) == signed_sum;
}

// Reads the first tar block of a (possibly compressed) file; nullopt when
// the stream is shorter, corrupt or compressed twice.
std::optional<std::array<unsigned char, kTarBlock>> FirstBlock(int fd) {
  extract::ArchivePtr reader(archive_read_new());
  if (!reader) return std::nullopt;
  archive* a = reader.get();
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_format_raw(a);
  archive_entry* entry = nullptr;
  if (archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK ||
      archive_read_next_header(a, &entry) != ARCHIVE_OK ||
      archive_filter_count(a) > kMaxFilters) {
    return std::nullopt;
  }
  std::array<unsigned char, kTarBlock> block{};
  size_t have = 0;
  while (have < block.size()) {
    la_ssize_t n =
        archive_read_data(a, block.data() + have, block.size() - have);
    if (n <= 0) return std::nullopt;
    have += static_cast<size_t>(n);
  }
  return block;
}

// Linux's own limit on symlinks followed in one lookup.
constexpr int kMaxSymlinks = 40;

// `components` with "." dropped and ".." applied, stopping at the root.
PathComponents Lexical(const PathComponents& components) {
  PathComponents out;
  for (const std::string& part : components) {
    if (part == ".") continue;
    if (part == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(part);
  }
  return out;
}

// Resolves `components` as a directory inside `resolver`'s root, creating
// what is missing with kImpliedDirMode and, when given, `owner`. A dangling
// symlink on the way is followed (inside the root) and its target created,
// as os.MkdirAll does. Unlike ResolveMode::kCreate, a non-directory in the
// way is an error rather than replaced: ADD must not delete a file of the
// image to make room.
Result<ResolvedDir> MakeDirs(const RootResolver& resolver,
                             PathComponents components,
                             extract::LayerState* state,
                             std::optional<ExtractOwner> owner,
                             const std::string& shown_prefix) {
  ZL_ASSIGN_OR_RETURN(
      std::optional<ResolvedDir> whole,
      resolver.Resolve(components, ResolveMode::kExisting, state));
  if (whole) return std::move(*whole);
  const std::string shown_whole =
      shown_prefix + extract::JoinComponents(components);
  int links = 0;
  bool restart = true;
  std::optional<ResolvedDir> current;
  while (restart) {
    restart = false;
    ZL_ASSIGN_OR_RETURN(current,
                        resolver.Resolve({}, ResolveMode::kExisting, state));
    if (!current) return Fail("cannot open the root directory");
    for (size_t i = 0; i < components.size() && !restart; ++i) {
      const std::string& name = components[i];
      PathComponents next_path = current->path;
      next_path.push_back(name);
      ZL_ASSIGN_OR_RETURN(
          std::optional<ResolvedDir> next,
          resolver.Resolve(next_path, ResolveMode::kExisting, state));
      if (next) {
        current = std::move(next);
        continue;
      }
      std::string shown = shown_prefix + extract::JoinComponents(next_path);
      int dir_fd = current->fd.get();
      struct stat st;
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!S_ISLNK(st.st_mode)) {
          return Fail(Quote(shown) + " exists and is not a directory",
                      ErrorKind::kInvalid);
        }
        if (++links > kMaxSymlinks) {
          return Fail(
              "too many levels of symlinks creating " + Quote(shown_whole),
              ErrorKind::kInvalid);
        }
        ZL_ASSIGN_OR_RETURN(std::string target,
                            extract::ReadLinkAt(dir_fd, name, shown));
        PathComponents rest = extract::SplitPath(target);
        if (!target.starts_with('/')) {
          rest.insert(rest.begin(), current->path.begin(), current->path.end());
        }
        rest.insert(rest.end(), components.begin() + i + 1, components.end());
        components = Lexical(rest);
        restart = true;
        continue;
      }
      if (errno != ENOENT) return FailErrno("stat " + shown, errno);
      if (state != nullptr) {
        ZL_RETURN_IF_ERROR(state->NoteDirTouched(dir_fd, current->Key()));
      }
      if (::mkdirat(dir_fd, name.c_str(), kImpliedDirMode) != 0) {
        return FailErrno("mkdir " + shown, errno);
      }
      // mkdir is subject to the umask; the mode must not be.
      if (::fchmodat(dir_fd, name.c_str(), kImpliedDirMode, 0) != 0) {
        return FailErrno("chmod " + shown, errno);
      }
      if (owner && ::fchownat(dir_fd, name.c_str(), owner->uid, owner->gid,
                              AT_SYMLINK_NOFOLLOW) != 0) {
        return FailErrno("chown " + shown, errno);
      }
      ZL_ASSIGN_OR_RETURN(
          next, resolver.Resolve(next_path, ResolveMode::kExisting, state));
      if (!next) return Fail("directory " + Quote(shown) + " vanished");
      current = std::move(next);
    }
  }
  return std::move(*current);
}

// Applies one archive's entries below the destination directory.
class ArchiveApplier {
 public:
  ArchiveApplier(RootResolver resolver, std::optional<ExtractOwner> owner)
      : resolver_(std::move(resolver)),
        owner_(owner),
        state_(options_.privileged),
        writer_(options_, resolver_, state_) {}

  Status Run(extract::LayerReader& reader) {
    while (true) {
      ZL_ASSIGN_OR_RETURN(std::optional<extract::LayerEntry> entry,
                          reader.Next());
      if (!entry) break;
      Status applied = Apply(*entry, reader);
      if (!applied) {
        return std::unexpected(
            applied.error().AddContext("archive entry " + Quote(entry->path)));
      }
    }
    ZL_RETURN_IF_ERROR(writer_.FinishDirectories());
    return reader.Finish();
  }

 private:
  Status Apply(extract::LayerEntry& entry, extract::LayerReader& reader) {
    // BuildKit strips leading slashes: "/etc/x" lands in dest/etc/x.
    std::string_view name = entry.path;
    while (!name.empty() && name.front() == '/') name.remove_prefix(1);
    if (name.empty()) return Ok();
    ZL_ASSIGN_OR_RETURN(
        PathComponents components,
        extract::CleanRelativePath(name, "path", options_.max_path_depth));
    if (components.empty()) return Ok();  // "./": the destination itself
    if (static_cast<uint64_t>(entry.size) > options_.max_entry_size) {
      return Fail("size " + std::to_string(entry.size) +
                      " bytes exceeds the limit of " +
                      std::to_string(options_.max_entry_size),
                  ErrorKind::kInvalid);
    }
    if ((entry.type == EntryType::kCharDevice ||
         entry.type == EntryType::kBlockDevice) &&
        !options_.privileged) {
      return Fail("refusing to create a " +
                      std::string(extract::EntryTypeName(entry.type)) +
                      " without root privileges",
                  ErrorKind::kInvalid);
    }
    if (owner_) {
      entry.uid = owner_->uid;
      entry.gid = owner_->gid;
    }
    std::string base = components.back();
    components.pop_back();
    ZL_ASSIGN_OR_RETURN(
        ResolvedDir parent,
        MakeDirs(resolver_, components, &state_, std::nullopt, ""));
    ZL_RETURN_IF_ERROR(state_.NoteDirTouched(parent.fd.get(), parent.Key()));
    return writer_.Write(parent, base, entry, reader);
  }

  const extract::ExtractOptions options_;
  RootResolver resolver_;
  std::optional<ExtractOwner> owner_;
  extract::LayerState state_;
  extract::EntryWriter writer_;
};

Status Extract(const std::string& archive, const std::string& root,
               const std::string& dest_dir, std::optional<ExtractOwner> owner) {
  ZL_ASSIGN_OR_RETURN(RootResolver root_resolver,
                      RootResolver::Open(root, /*use_openat2=*/true));
  // Go's filepath.Join("/", dest) cleans ".." at the root away likewise.
  PathComponents dest = Lexical(extract::SplitPath(dest_dir));
  ZL_ASSIGN_OR_RETURN(ResolvedDir dest_resolved,
                      MakeDirs(root_resolver, dest, nullptr, owner, "/"));
  std::string dest_path = root_resolver.root_path();
  if (!dest_resolved.path.empty()) {
    dest_path += '/';
    dest_path += extract::JoinComponents(dest_resolved.path);
  }
  // The archive's own symlinks resolve with the destination as their root,
  // as BuildKit's unpack (an os.Root at the destination) resolves them.
  ZL_ASSIGN_OR_RETURN(RootResolver resolver,
                      RootResolver::Open(dest_path, /*use_openat2=*/true));
  ZL_ASSIGN_OR_RETURN(
      std::unique_ptr<extract::LayerReader> reader,
      extract::LayerReader::Open(extract::LayerSource::Path(archive)));
  ArchiveApplier applier(std::move(resolver), owner);
  return applier.Run(*reader);
}

}  // namespace

Result<bool> IsArchive(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FailErrno("stat " + path, errno);
  if (!S_ISREG(st.st_mode)) return false;
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd, base::OpenFile(path, O_RDONLY));
  std::optional<std::array<unsigned char, kTarBlock>> block =
      FirstBlock(fd.get());
  return block && IsTarHeader(*block);
}

Status ExtractArchive(const std::string& archive, const std::string& root,
                      const std::string& dest_dir,
                      std::optional<ExtractOwner> owner) {
  return WithContext(Extract(archive, root, dest_dir, owner),
                     "extract " + archive + " to " + dest_dir);
}

}  // namespace zlayer::copy
