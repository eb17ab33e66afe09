// `RUN --mount=type=cache,target=/root/.cache,sharing=locked`: the mount
// kinds and options of BuildKit's commands_runmount.go, plus the defaults
// dockerfile2llb applies when a mount is used (secret and ssh paths, cache
// ids and modes).
#ifndef ZLAYER_DOCKERFILE_MOUNTS_H_
#define ZLAYER_DOCKERFILE_MOUNTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dockerfile/expander.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

enum class MountType { kBind, kCache, kTmpfs, kSecret, kSsh };
enum class MountSharing { kShared, kPrivate, kLocked };

std::string_view MountTypeName(MountType type);        // "bind", ...
std::string_view MountSharingName(MountSharing mode);  // "shared", ...

struct Mount {
  MountType type = MountType::kBind;
  std::string from;    // stage name, index or image; empty: build context
  std::string source;  // path inside `from`, or the secret id
  std::string target;  // may be relative to WORKDIR; may be empty
  bool read_only = false;
  int64_t size_limit = 0;               // tmpfs bytes; 0 means no limit
  std::string id;                       // cache, secret or ssh id as written
  std::optional<MountSharing> sharing;  // only for cache mounts
  bool required = false;                // secret and ssh
  std::optional<std::string> env;       // secret: expose as this variable
  std::optional<uint32_t> mode;         // secret, ssh, cache
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;

  bool operator==(const Mount&) const = default;
};

// Parses one --mount value (a CSV record of key=value fields) exactly as
// BuildKit does. Every value is passed through `expander` first.
//
// With `expander` null this is BuildKit's parse-time pass, where variables
// cannot be known yet: it checks the CSV syntax and that `from` holds no
// variable (stage dependencies must be known before expansion), fills in
// `from`, and leaves every other option for the pass with an expander.
Result<Mount> ParseMount(std::string_view spec, const WordExpander* expander);

// The cache id BuildKit uses: `id`, else the cleaned target path.
std::string CacheMountId(const Mount& mount);
// `sharing`, defaulting to shared.
MountSharing CacheMountSharing(const Mount& mount);
// Mode of a cache directory created for the mount (default 0755).
uint32_t CacheMountMode(const Mount& mount);

struct SecretMount {
  std::string id;
  std::optional<std::string> target;  // none: only exposed as `env`
  std::optional<std::string> env;
  bool required = false;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t mode = 0400;
};

// Secret id from source, id or the target's base name; the file goes to
// `target`, else /run/secrets/<id> unless only an env variable is wanted.
Result<SecretMount> ResolveSecretMount(const Mount& mount);

struct SshMount {
  std::string id;      // "default" when not given
  std::string target;  // /run/buildkit/ssh_agent.<n> when not given
  bool required = false;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t mode = 0600;
};

// `ssh_index` counts the ssh mounts of the RUN before this one; it numbers
// the default socket path.
Result<SshMount> ResolveSshMount(const Mount& mount, int ssh_index);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_MOUNTS_H_
