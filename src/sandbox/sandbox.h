// Runs one command in a container: its own mount, pid, uts and ipc
// namespaces (and network namespace for --network=none) on a root
// filesystem the caller has prepared (an overlay mount, mounts.h).
//
// Nothing the sandbox sets up outlives Run(): mounts live in the child's
// mount namespace, every process is in the child's pid namespace (killing
// its pid 1 kills them all), and mount points it had to create in the
// rootfs (/proc, /dev, /sys, /etc/hosts, /etc/resolv.conf, mount targets)
// are removed again so they never end up in a layer.
#ifndef ZLAYER_SANDBOX_SANDBOX_H_
#define ZLAYER_SANDBOX_SANDBOX_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::sandbox {

// The PATH a container gets when its environment has none (Docker's).
inline constexpr char kDefaultPath[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Adds HOME=`home` and PATH=kDefaultPath to `env` ("K=V" entries) when it
// has no such variable, as Docker does for a container's process.
void AddDefaultEnv(std::vector<std::string>& env, const std::string& home);

struct Mount {
  enum class Kind { kBind, kTmpfs };
  Kind kind = Kind::kBind;
  std::string source;  // host path (kBind): a directory or a file
  std::string target;  // absolute path inside the container
  bool readonly = false;
  uint64_t tmpfs_size = 0;  // kTmpfs: bytes, 0 = kernel default
  uint32_t tmpfs_mode = 01777;
};

enum class OutputStream { kStdout, kStderr };

struct RunSpec {
  std::string rootfs;  // a writable directory, usually a merged overlay
  std::vector<std::string> argv;  // argv[0] looked up in the env's PATH
  std::vector<std::string> env;   // "KEY=value"
  std::string cwd = "/";          // created (0755, owned by root) if missing
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> supplementary_gids;
  std::vector<Mount> mounts;  // applied in order, after /proc, /dev, /sys
  bool network_none = false;  // own network namespace with only lo
  std::string hostname = "zlayer";
  std::string hosts;        // /etc/hosts content; empty: a default for lo
  std::string resolv_conf;  // empty: the host's /etc/resolv.conf
  // Called with each complete line (and a final partial one) in order of
  // arrival. Null: the child inherits the caller's stdout/stderr (and
  // stdin, for `zlayer run`).
  std::function<void(OutputStream, std::string_view)> on_output;
  // Polled while the command runs; when it becomes true the container is
  // killed and Run returns kCancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct RunResult {
  int exit_code = 0;  // 128+signal when killed by a signal
  int signal = 0;
  bool success() const { return exit_code == 0 && signal == 0; }
};

// Fails (kFailed/kIo) only when the container could not be set up; a
// command that exits non-zero is a RunResult. An argv[0] that cannot be
// found is exit code 127 with a message on stderr, as in a shell.
Result<RunResult> Run(const RunSpec& spec);

// Moves the calling process into a private mount namespace (propagation
// private) so that every mount it makes (overlay snapshots) disappears with
// it, even on SIGKILL. Must be called while the process is single-threaded
// (first thing in main, or a test's main). Idempotent.
Status EnterPrivateMountNamespace();

// Process-wide cancellation on SIGINT/SIGTERM: installs handlers that set
// the returned flag (the second signal restores the default action, so a
// stuck build can still be killed). Pass the flag as RunSpec::cancel.
const std::atomic<bool>* InstallCancelHandlers();

}  // namespace zlayer::sandbox

#endif  // ZLAYER_SANDBOX_SANDBOX_H_
