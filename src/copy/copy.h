// COPY and ADD: which files a request reads, a content digest of them (the
// cache key's input part) and the copy itself, with Docker's rules for
// wildcards, destinations, ownership and modes.
//
// Sources are read in place: the build context is never copied as a whole.
#ifndef ZLAYER_COPY_COPY_H_
#define ZLAYER_COPY_COPY_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/sha256.h"
#include "copy/hash_cache.h"
#include "dockerignore/matcher.h"
#include "zlayer/result.h"

namespace zlayer::copy {

// A tree sources are taken from.
class SourceTree {
 public:
  // The build context: `dir` with its .dockerignore matcher applied exactly
  // as `docker build` would send the context.
  static Result<SourceTree> Context(std::string dir,
                                    dockerignore::Matcher matcher);
  // A stage's or image's root filesystem (a read-only view); absolute
  // symlinks resolve inside it.
  static Result<SourceTree> Rootfs(std::string dir);

  const std::string& dir() const { return dir_; }
  bool is_context() const { return is_context_; }
  const dockerignore::Matcher& matcher() const { return matcher_; }

 private:
  SourceTree(std::string dir, dockerignore::Matcher matcher, bool context)
      : dir_(std::move(dir)),
        matcher_(std::move(matcher)),
        is_context_(context) {}
  std::string dir_;
  dockerignore::Matcher matcher_;
  bool is_context_ = false;
};

struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// A file given inline (COPY <<EOF dst); written as a regular file 0644.
struct InlineFile {
  std::string name;
  std::string data;
};

struct CopyRequest {
  std::vector<std::string> sources;  // expanded; wildcards allowed
  std::vector<InlineFile> inline_files;
  std::string dest;  // expanded; relative dests are under `workdir`
  std::string workdir = "/";
  std::vector<std::string> excludes;  // --exclude patterns
  bool parents = false;               // --parents
  std::optional<Owner> chown;         // resolved by the caller (users.h)
  std::string chmod;                  // --chmod: octal or symbolic
  // ADD: local tar archives (gzip, bzip2, xz, zstd, plain) are extracted
  // into the destination instead of copied (add.h); URL sources are
  // downloaded. `unpack` overrides the default (ADD --unpack).
  bool is_add = false;
  std::optional<bool> unpack;
  std::string checksum;  // ADD --checksum=sha256:... for URL sources
  // Progress/explain messages prefix, e.g. "Dockerfile:7".
  std::string location;
};

// One file the request reads: its path relative to the tree and a hash of
// its content and metadata (type, mode, size, link target). --explain-cache
// compares two lists to name the file that changed.
struct InputFile {
  std::string path;
  base::Digest hash;
  bool operator==(const InputFile&) const = default;
};

struct InputDigest {
  base::Digest digest;  // over the sorted file list and the request's flags
  std::vector<InputFile> files;
};

// What COPY/ADD would read: errors for a source that matches nothing
// ("COPY failed: file not found in build context: missing.txt", naming the
// pattern), for sources outside the tree (`../x`), and for a URL source in
// COPY. `hashes` may be null (everything is hashed); with a cache, files
// whose stat is unchanged are not re-read.
Result<InputDigest> DigestInputs(const SourceTree& tree,
                                 const CopyRequest& request, HashCache* hashes);

// Performs the copy into `dest_root` (the step's merged rootfs). Every
// write is resolved inside dest_root (symlinks in the image cannot send it
// elsewhere). Missing parent directories are created 0755 (owned by the
// --chown owner when given, as BuildKit does).
Status Copy(const SourceTree& tree, const CopyRequest& request,
            const std::string& dest_root);

// Parses --chmod: octal ("0755", "755") or symbolic ("u+x,g-w", "a=rX")
// applied to each file's mode. kInvalid for anything else.
Result<uint32_t> ApplyChmod(const std::string& chmod, uint32_t mode,
                            bool is_dir);

}  // namespace zlayer::copy

#endif  // ZLAYER_COPY_COPY_H_
