// Child processes for the host-side tools a build drives (buildah, git,
// helpers), with their output captured, passed through or streamed line by
// line to a progress display. There is no global state: concurrent builds in
// one process each spawn and reap only their own children.
#ifndef ZLAYER_BASE_SUBPROCESS_H_
#define ZLAYER_BASE_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::base {

enum class StdinMode {
  kNull,     // /dev/null, so a tool that prompts sees end of input
  kInherit,  // the parent's stdin
  kData,     // SubprocessOptions::stdin_data, then end of input
};

enum class OutputMode {
  kCapture,  // collected into RunResult
  kInherit,  // the parent's stdout or stderr
  kStream,   // handed line by line to SubprocessOptions::on_line
  kDiscard,  // /dev/null
};

// Receives one line without its '\n'. A line longer than 64 KiB arrives in
// pieces; a final line without '\n' arrives at end of output.
using LineCallback = std::function<void(std::string_view line, bool is_stderr)>;

struct SubprocessOptions {
  // "KEY=VALUE" entries, added to the parent's environment (overriding
  // entries with the same key) or, with replace_env, replacing it. The
  // program itself is still looked up in the parent's PATH.
  std::vector<std::string> env;
  bool replace_env = false;
  std::string cwd;  // empty: the parent's working directory
  StdinMode stdin_mode = StdinMode::kNull;
  std::string stdin_data;  // only allowed with StdinMode::kData
  OutputMode stdout_mode = OutputMode::kCapture;
  OutputMode stderr_mode = OutputMode::kCapture;
  LineCallback on_line;  // required when either output is kStream
  // Runs the child as the leader of a new process group and signals the
  // whole group, so that termination also reaches its descendants.
  bool new_process_group = false;
  // Wait() gives up after this long, terminating the child; zero means never.
  std::chrono::milliseconds timeout{0};
  // How long termination waits after SIGTERM before sending SIGKILL.
  std::chrono::milliseconds kill_grace{2000};
};

// {"A": "1"} -> {"A=1"}.
std::vector<std::string> EnvFromMap(
    const std::map<std::string, std::string>& vars);

struct ExitStatus {
  int code = 0;    // the exit code, when the child exited
  int signal = 0;  // the terminating signal, or 0 when it exited

  bool success() const { return signal == 0 && code == 0; }
  // "exit status 2" or "killed by signal SIGKILL".
  std::string ToString() const;
  bool operator==(const ExitStatus&) const = default;
};

struct RunResult {
  ExitStatus status;
  std::string stdout_data;  // only with OutputMode::kCapture
  std::string stderr_data;
};

// A running child. Destroying it while the child runs sends SIGTERM, waits
// up to kill_grace, sends SIGKILL and reaps it, so no zombie outlives it.
class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with argv. A program that cannot be
  // started is an error here ("exec nosuchcmd: No such file or directory"),
  // never a child exiting with 127.
  static Result<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                    SubprocessOptions options = {});

  ChildProcess();  // no child
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // -1 when there is no child.
  pid_t pid() const;
  // Spawned and not yet reaped.
  bool running() const;

  // Feeds stdin, collects or streams output until the child closes both
  // outputs, then reaps it. A non-zero exit is not an error here; a timeout
  // is. Output pipes inherited by the child's own background processes keep
  // Wait() waiting until they close too (use new_process_group and timeout
  // against that).
  Result<RunResult> Wait();

  // Sends `signo` to the child (or its group).
  Status Signal(int signo);

  // SIGTERM, kill_grace, SIGKILL, then reaps. Does nothing once reaped.
  void Terminate();

 private:
  struct Impl;
  explicit ChildProcess(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

// Spawn() and Wait() in one go.
Result<RunResult> Run(const std::vector<std::string>& argv,
                      SubprocessOptions options = {});

// Run() where anything but exit status 0 is an error naming the command line
// (cut at 200 characters) and ending with the last 1000 bytes of captured
// stderr, e.g. "git fetch origin: exit status 128: fatal: no such remote".
Result<RunResult> RunChecked(const std::vector<std::string>& argv,
                             SubprocessOptions options = {});

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_SUBPROCESS_H_
