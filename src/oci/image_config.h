// The image configuration blob: what a container started from the image
// runs (the "config" member), which layers make up its root filesystem
// (rootfs.diff_ids, digests of the *uncompressed* layer tars) and how each
// layer came about (history). Its digest is the image id, so serialization
// is deterministic: the same config always yields the same bytes.
#ifndef ZLAYER_OCI_IMAGE_CONFIG_H_
#define ZLAYER_OCI_IMAGE_CONFIG_H_

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/sha256.h"
#include "zlayer/result.h"

namespace zlayer::oci {

// HEALTHCHECK. Durations are nanoseconds on the wire, as Go's
// time.Duration; zero means "inherit the default".
struct HealthConfig {
  // {"NONE"} disables a parent's check, {"CMD", args...} runs directly,
  // {"CMD-SHELL", command} runs in the shell.
  std::vector<std::string> test;
  std::chrono::nanoseconds interval{0};
  std::chrono::nanoseconds timeout{0};
  std::chrono::nanoseconds start_period{0};
  std::chrono::nanoseconds start_interval{0};
  int64_t retries = 0;

  bool operator==(const HealthConfig&) const = default;
};

// The "config" member: defaults for a container run from the image. JSON
// member names are Docker's capitalized ones ("Env", "WorkingDir").
struct ContainerConfig {
  std::string user;
  std::set<std::string> exposed_ports;  // "80/tcp"
  std::vector<std::string> env;         // "KEY=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::set<std::string> volumes;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::vector<std::string> shell;  // Docker format only, but kept for both
  std::optional<HealthConfig> healthcheck;
  std::vector<std::string> on_build;
  bool args_escaped = false;  // Windows-only meaning; round-tripped

  bool operator==(const ContainerConfig&) const = default;
};

struct RootFs {
  std::string type = "layers";  // the only type the spec defines
  std::vector<base::Digest> diff_ids;

  bool operator==(const RootFs&) const = default;
};

struct HistoryEntry {
  std::string created;  // RFC 3339, may be empty
  std::string created_by;
  std::string author;
  std::string comment;
  bool empty_layer = false;  // true: this step added no entry to diff_ids

  bool operator==(const HistoryEntry&) const = default;
};

struct ImageConfig {
  std::string created;  // RFC 3339 ("2024-01-02T03:04:05Z"), may be empty
  std::string author;
  std::string architecture;              // required
  std::string os;                        // required
  std::string os_version;                // "os.version"
  std::vector<std::string> os_features;  // "os.features"
  std::string variant;
  ContainerConfig config;
  RootFs rootfs;
  std::vector<HistoryEntry> history;

  bool operator==(const ImageConfig&) const = default;
};

// Parses and validates a config blob. Errors are kInvalid and name the
// member: `config: config.Healthcheck.Interval: want an integer, got "30s"`.
// Members zlayer does not model (Docker's "container_config", say) are
// ignored. History is not checked against diff_ids: images in the wild
// (ko, Bazel) carry none or a mismatched one, and Docker loads them.
Result<ImageConfig> ParseImageConfig(std::string_view json);

// Compact JSON with Docker's key order and optional members omitted when
// empty (except "config" and "rootfs", which are always written).
std::string SerializeImageConfig(const ImageConfig& config);

}  // namespace zlayer::oci

#endif  // ZLAYER_OCI_IMAGE_CONFIG_H_
