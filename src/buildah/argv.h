// The buildah command lines a plan turns into: pure functions from what a
// step needs (paths already mapped to the host or to buildah images) to
// argv, so every quoting rule of buildah 1.28's flags is tested apart
// from buildah itself.
//
// Quoting rules found in buildah 1.28:
//   config --env     expands $NAME in the value against the container's
//                    environment; "$$" stands for one "$".
//   config --shell, --healthcheck
//                    split into words like a POSIX shell (quotes honoured).
//   config --onbuild a CSV list (pflag StringSlice): one quoted field each.
//   config --cmd, --entrypoint
//                    a JSON array is taken as the exec form.
//   run/copy         relative sources fail ("can't make relative"): host
//                    sources are absolute paths under --contextdir.
//   run --mount      comma-separated key=value; no quoting exists.
#ifndef ZLAYER_BUILDAH_ARGV_H_
#define ZLAYER_BUILDAH_ARGV_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "oci/image_config.h"
#include "zlayer/result.h"

namespace zlayer::buildah {

// "zlayer-build-<build id>-stage-<name or index>": a stage's committed image.
std::string StageImageName(std::string_view build_id, std::string_view name,
                           int index);
// "zlayer-build-<build id>-<what>": a working container of the build.
std::string ContainerName(std::string_view build_id, std::string_view what);

// A config --env value as buildah must receive it to store `value`.
std::string EscapeConfigEnvValue(std::string_view value);
// Words joined so that buildah's shell-word splitting gives them back.
std::string ShellWords(const std::vector<std::string>& words);
// One field of a CSV list, quoted.
std::string CsvField(std::string_view value);
// A JSON array of strings.
std::string JsonArray(const std::vector<std::string>& values);

// "/" + path, cleaned, never above "/": how BuildKit reads a COPY source
// (context or stage alike) and a RUN bind-mount source.
std::string CleanFromRoot(std::string_view path);
// A COPY/ADD source in the build context as the host path buildah takes.
std::string ContextSource(std::string_view context_dir, std::string_view src);
// A COPY/ADD destination made absolute against WORKDIR, keeping a trailing
// "/" (which makes it a directory).
std::string CopyDestination(std::string_view workdir, std::string_view dest);
// A RUN mount target, absolute against WORKDIR.
std::string MountTarget(std::string_view workdir, std::string_view target);

struct RunMount {
  enum class Type { kBind, kCache, kTmpfs };
  Type type = Type::kBind;
  std::string source;  // bind: a host path, or a path inside `from`
  std::string from;    // bind: a buildah image id
  std::string target;  // absolute
  bool read_only = true;
  // cache
  std::string id;
  std::string sharing;  // shared, private or locked
  std::optional<uint32_t> mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  int64_t tmpfs_size = 0;  // bytes; 0: no limit
};

// The value of one `buildah run --mount`; kUnsupported when a path holds a
// comma, which buildah's mount syntax cannot carry.
Result<std::string> MountArg(const RunMount& mount);

struct RunSpec {
  std::string container;
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "K=V"
  std::string user;              // empty: root
  std::string workdir;           // empty: "/"
  bool network_none = false;     // else the host's network
  std::vector<RunMount> mounts;
};
Result<std::vector<std::string>> RunArgs(const RunSpec& spec);

struct CopySpec {
  bool add = false;
  std::string container;
  // Absolute host paths under context_dir, paths inside `from`, or URLs.
  std::vector<std::string> sources;
  std::string dest;  // absolute in the container
  std::string from;  // a buildah image id
  std::string context_dir;
  std::string ignore_file;  // with context_dir
  std::string chown;
  std::string chmod;
};
std::vector<std::string> CopyArgs(const CopySpec& spec);

// What a stage's image must say once committed.
struct ConfigTarget {
  oci::ContainerConfig config;
  std::string author;
  oci::Platform platform;  // empty fields: leave as they are
  bool onbuild = false;    // write config.on_build (the build's own image)
  std::string created_by;  // the history entry of the stage's layer
};
// `buildah config` flags that turn a container whose config is `current`
// (its base's) into `target`: every value of the target set, and what the
// base had and the target lacks removed.
std::vector<std::string> ConfigArgs(const oci::ContainerConfig& current,
                                    const std::string& current_author,
                                    const ConfigTarget& target);

struct CommitSpec {
  std::string container;
  std::string image;  // may be empty: an unnamed image
  bool docker_format = false;
  bool squash = false;
  std::optional<int64_t> timestamp;  // SOURCE_DATE_EPOCH
  std::string iidfile;
};
std::vector<std::string> CommitArgs(const CommitSpec& spec);

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_ARGV_H_
