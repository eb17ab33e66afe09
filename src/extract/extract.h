// The layer reader and extractor: applies an image layer (a tar stream,
// uncompressed or compressed with gzip, zstd, bzip2 or xz) onto a root
// directory with OCI whiteout semantics, and lists a layer's entries. Both
// compute the layer's diff_id (the SHA-256 of the uncompressed tar) in the
// same pass.
//
// Layers are untrusted input. Every write happens relative to a directory
// descriptor inside the root, and a hostile entry stops the extraction with
// an error naming it (kind kInvalid):
//   layer entry "a/passwd": refusing to write through symlink "a", created
//   by an earlier entry of this layer
// Policy, in short:
// - Names are cleaned like a path ("./a//b/" is "a/b"); absolute names and
//   names whose ".." climbs above the root are refused, as are names over
//   PATH_MAX bytes, components over NAME_MAX bytes and names deeper than
//   ExtractOptions::max_path_depth.
// - Symlinks may point anywhere; they are created, never followed outward.
//   A parent directory reached through a symlink that a lower layer created
//   is resolved inside the root (as umoci and containerd do, so "bin/sh"
//   over "bin -> /usr/bin" lands in <root>/usr/bin/sh), but an entry below a
//   symlink created earlier in the same layer is refused: tar writers never
//   produce one, so it can only be an attack.
// - Hardlink targets must name an existing non-directory inside the root
//   that is not a symlink pointing out of the root.
// - Device nodes need ExtractOptions::privileged (see DevicePolicy).
// - Entries larger than ExtractOptions::max_entry_size are refused before any
//   data is read; a header promising more data than the stream holds is a
//   truncated archive.
// - An entry replaces whatever is at its path unless both are directories
//   (duplicates: the last wins, as with tar). Whiteouts hide only what lower
//   layers created, wherever the marker sits in the layer (see removal.h).
// - Only gzip, zstd, bzip2 and xz are recognised, one level deep: no
//   decompressor program is ever started for a hostile stream.
// libarchive only parses here. Its ARCHIVE_EXTRACT_SECURE_* flags belong to
// archive_write_disk, which resolves names from the current directory and
// cannot be anchored to a directory descriptor; every write here goes through
// RootResolver instead, whose checks cover what those flags check and more.
#ifndef ZLAYER_EXTRACT_EXTRACT_H_
#define ZLAYER_EXTRACT_EXTRACT_H_

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/sha256.h"
#include "zlayer/result.h"

namespace zlayer::extract {

// Where a layer's bytes come from: a file, or a descriptor the caller owns
// (read from its current position to end of file, e.g. a pipe).
class LayerSource {
 public:
  static LayerSource Path(std::string path) {
    return LayerSource(std::move(path), -1);
  }
  static LayerSource Fd(int fd) { return LayerSource("", fd); }

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  // The file's path, or "fd N", for error messages.
  std::string Describe() const;

 private:
  LayerSource(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_;
};

enum class EntryType {
  kRegular,
  kDirectory,
  kSymlink,
  kHardlink,
  kCharDevice,
  kBlockDevice,
  kFifo,
};

// "regular file", "directory", ...
std::string_view EntryTypeName(EntryType type);

struct Timestamp {
  int64_t seconds = 0;
  int32_t nanoseconds = 0;
  bool operator==(const Timestamp&) const = default;
};

// One tar entry as stored in the archive.
struct LayerEntry {
  std::string path;  // the name exactly as stored, e.g. "./usr/bin/"
  EntryType type = EntryType::kRegular;
  uint32_t mode = 0;  // permission bits with setuid, setgid and sticky
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t size = 0;  // data bytes (regular files only)
  Timestamp mtime;
  bool has_mtime = false;
  Timestamp atime;
  bool has_atime = false;
  std::string link_target;  // symlink contents or hardlink target path
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  // From PAX SCHILY.xattr.* (and LIBARCHIVE.xattr.*) records, in order.
  std::vector<std::pair<std::string, std::string>> xattrs;
};

// What to do with a character or block device when not privileged.
enum class DevicePolicy {
  kRefuse,           // fail the extraction, naming the entry (default)
  kSkipWithWarning,  // leave the device out and log a warning
};

struct ExtractOptions {
  // Running with root's capabilities: chown to the archive's numeric
  // uid/gid, create device nodes, and treat a failure to set any xattr as an
  // error. Without it files keep the caller's uid/gid, device nodes follow
  // `unprivileged_devices`, and xattrs the kernel refuses (EPERM, e.g.
  // security.capability or trusted.*) are skipped with a warning.
  bool privileged = ::geteuid() == 0;
  DevicePolicy unprivileged_devices = DevicePolicy::kRefuse;
  // An entry claiming more data than this is refused before it is read.
  uint64_t max_entry_size = uint64_t{64} << 30;  // 64 GiB
  // Path components allowed in one entry name (or hardlink target).
  size_t max_path_depth = 512;
  // Use openat2(RESOLVE_IN_ROOT) when the kernel has it; false forces the
  // portable component-by-component walk (tests cover both).
  bool use_openat2 = true;
  // Unpack the layer into its own empty directory as an overlayfs lower
  // layer: a `.wh.NAME` entry becomes a 0/0 character device NAME and
  // `.wh..wh..opq` sets trusted.overlay.opaque="y" on its directory,
  // instead of deleting anything (containerd's overlay snapshotter does the
  // same). Requires root.
  // A directory that replaces a path the layer itself deleted (a whiteout,
  // then the directory) is made opaque too, so the result mounted over the
  // lower layers equals the layer applied onto them; the layer's own
  // overlayfs xattrs (trusted.overlay.*, user.overlay.*) are dropped.
  // Without `privileged` ApplyLayer refuses (kUnsupported).
  bool overlay_whiteouts = false;
};

struct ApplyResult {
  base::Digest diff_id;            // sha256 of the uncompressed tar
  uint64_t uncompressed_size = 0;  // bytes of uncompressed tar
  uint64_t entries = 0;            // tar entries read, whiteouts included
  uint64_t whiteouts = 0;          // .wh.* entries applied
  uint64_t skipped_devices = 0;    // with DevicePolicy::kSkipWithWarning
};

// Applies one layer onto `root` (an existing directory). Layers are applied
// in order by calling this once per layer. On error the root is left
// partially updated; nothing outside it is touched.
Result<ApplyResult> ApplyLayer(const LayerSource& source,
                               const std::string& root,
                               const ExtractOptions& options = {});

struct LayerListing {
  std::vector<LayerEntry> entries;
  base::Digest diff_id;
  uint64_t uncompressed_size = 0;
};

// Reads every entry without writing anything; names are reported as stored,
// not validated. A truncated or malformed stream is still an error.
Result<LayerListing> ListLayer(const LayerSource& source);

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_EXTRACT_H_
