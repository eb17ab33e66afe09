#include "base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "base/spawn.h"
#include "base/unique_fd.h"

namespace zlayer::base {
namespace {

using Clock = std::chrono::steady_clock;
using Deadline = std::optional<Clock::time_point>;

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxLine = 64 * 1024;
constexpr size_t kStdinChunk = 64 * 1024;

Status ValidateOptions(const std::vector<std::string>& argv,
                       const SubprocessOptions& options) {
  if (argv.empty() || argv[0].empty()) {
    return Fail("run: empty command", ErrorKind::kInvalid);
  }
  bool streams = options.stdout_mode == OutputMode::kStream ||
                 options.stderr_mode == OutputMode::kStream;
  if (streams && !options.on_line) {
    return Fail("run " + argv[0] + ": streamed output needs a line callback",
                ErrorKind::kInvalid);
  }
  if (!options.stdin_data.empty() && options.stdin_mode != StdinMode::kData) {
    return Fail("run " + argv[0] + ": stdin_data needs StdinMode::kData",
                ErrorKind::kInvalid);
  }
  for (const std::string& entry : options.env) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail("run " + argv[0] + ": environment entry \"" + entry +
                      "\" is not KEY=VALUE",
                  ErrorKind::kInvalid);
    }
  }
  return Ok();
}

// Blocks SIGPIPE in this thread while writing to a child's stdin, so that a
// child which exits without reading yields EPIPE instead of killing us;
// changing the process-wide disposition would not be thread-safe.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    ::sigemptyset(&pipe_set_);
    ::sigaddset(&pipe_set_, SIGPIPE);
    sigset_t pending;
    ::sigpending(&pending);
    was_pending_ = ::sigismember(&pending, SIGPIPE) == 1;
    ::pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
  }
  ~SigpipeBlock() {
    if (raised_ && !was_pending_) {
      timespec zero = {};
      ::sigtimedwait(&pipe_set_, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

  void NoteRaised() { raised_ = true; }

 private:
  sigset_t pipe_set_;
  sigset_t old_mask_;
  bool was_pending_ = false;
  bool raised_ = false;
};

int RemainingMs(const Deadline& deadline) {
  if (!deadline) return -1;
  auto left =
      std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
}

std::string CommandLine(const std::vector<std::string>& argv) {
  constexpr size_t kMaxShown = 200;
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
    if (out.size() > kMaxShown) return out.substr(0, kMaxShown) + "...";
  }
  return out;
}

Result<UniqueFd> OpenDevNull(int flags) { return OpenFile("/dev/null", flags); }

}  // namespace

std::vector<std::string> EnvFromMap(
    const std::map<std::string, std::string>& vars) {
  std::vector<std::string> env;
  env.reserve(vars.size());
  for (const auto& [key, value] : vars) env.push_back(key + "=" + value);
  return env;
}

std::string ExitStatus::ToString() const {
  if (signal == 0) return "exit status " + std::to_string(code);
  const char* abbrev = ::sigabbrev_np(signal);
  if (abbrev == nullptr) return "killed by signal " + std::to_string(signal);
  return std::string("killed by signal SIG") + abbrev;
}

struct ChildProcess::Impl {
  std::string name;  // argv[0], for messages
  SubprocessOptions options;
  pid_t pid = -1;
  bool reaped = false;
  UniqueFd pidfd;  // pollable exit notification; absent on old kernels
  UniqueFd stdin_fd;
  size_t stdin_written = 0;
  std::array<UniqueFd, 2> out_fds;  // stdout, stderr
  std::array<std::string, 2> partial_lines;
  std::string read_buffer;
  RunResult result;

  ~Impl() { Terminate(); }

  OutputMode mode(int stream) const {
    return stream == 0 ? options.stdout_mode : options.stderr_mode;
  }

  void Deliver(int stream, std::string_view data);
  void FlushPartialLine(int stream);
  Status FeedStdin();
  Status Drain(int stream);
  Result<bool> PumpIo(const Deadline& deadline);
  Result<bool> AwaitExit(const Deadline& deadline);
  Status Reap();
  Status SendSignal(int signo);
  void Terminate();
};

void ChildProcess::Impl::Deliver(int stream, std::string_view data) {
  if (mode(stream) == OutputMode::kCapture) {
    (stream == 0 ? result.stdout_data : result.stderr_data).append(data);
    return;
  }
  std::string& buffer = partial_lines[stream];
  buffer.append(data);
  std::string_view view = buffer;
  size_t start = 0;
  for (;;) {
    size_t nl = view.find('\n', start);
    size_t end = nl == std::string_view::npos ? view.size() : nl;
    // Cut by position in the line, not by read boundaries, so the pieces
    // of an overlong line do not depend on how the pipe delivered it.
    for (; end - start > kMaxLine; start += kMaxLine) {
      options.on_line(view.substr(start, kMaxLine), stream == 1);
    }
    if (nl == std::string_view::npos) break;
    options.on_line(view.substr(start, nl - start), stream == 1);
    start = nl + 1;
  }
  buffer.erase(0, start);
}

void ChildProcess::Impl::FlushPartialLine(int stream) {
  std::string& buffer = partial_lines[stream];
  if (mode(stream) == OutputMode::kStream && !buffer.empty()) {
    options.on_line(buffer, stream == 1);
  }
  buffer.clear();
}

Status ChildProcess::Impl::FeedStdin() {
  std::string_view rest =
      std::string_view(options.stdin_data).substr(stdin_written);
  SigpipeBlock block;
  ssize_t n =
      ::write(stdin_fd.get(), rest.data(), std::min(rest.size(), kStdinChunk));
  if (n >= 0) {
    stdin_written += static_cast<size_t>(n);
    if (stdin_written == options.stdin_data.size()) stdin_fd.reset();
    return Ok();
  }
  if (errno == EINTR || errno == EAGAIN) return Ok();
  if (errno == EPIPE) {
    // The child stopped reading; its exit status tells whether that was
    // a failure, as it does for a shell pipeline.
    block.NoteRaised();
    stdin_fd.reset();
    return Ok();
  }
  return FailErrno("write stdin of " + name, errno);
}

Status ChildProcess::Impl::Drain(int stream) {
  read_buffer.resize(kReadChunk);
  ssize_t n =
      ::read(out_fds[stream].get(), read_buffer.data(), read_buffer.size());
  if (n > 0) {
    Deliver(stream, std::string_view(read_buffer.data(), n));
    return Ok();
  }
  if (n == 0) {
    FlushPartialLine(stream);
    out_fds[stream].reset();
    return Ok();
  }
  if (errno == EINTR || errno == EAGAIN) return Ok();
  return FailErrno(std::string("read ") + (stream == 0 ? "stdout" : "stderr") +
                       " of " + name,
                   errno);
}

// Moves data until stdin is fed and both outputs are closed; false when
// the deadline passed first.
Result<bool> ChildProcess::Impl::PumpIo(const Deadline& deadline) {
  for (;;) {
    std::array<pollfd, 3> fds;
    std::array<int, 3> stream_of;  // -1 for stdin
    nfds_t count = 0;
    if (stdin_fd) {
      fds[count] = {stdin_fd.get(), POLLOUT, 0};
      stream_of[count++] = -1;
    }
    for (int stream = 0; stream < 2; ++stream) {
      if (!out_fds[stream]) continue;
      fds[count] = {out_fds[stream].get(), POLLIN, 0};
      stream_of[count++] = stream;
    }
    if (count == 0) return true;
    int timeout = RemainingMs(deadline);
    if (timeout == 0) return false;
    if (::poll(fds.data(), count, timeout) < 0) {
      if (errno == EINTR) continue;
      return FailErrno("poll output of " + name, errno);
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      ZL_RETURN_IF_ERROR(stream_of[i] < 0 ? FeedStdin() : Drain(stream_of[i]));
    }
  }
}

// Waits for the child to exit without reaping it, so that its pid (and
// process group) cannot be reused while we may still signal it.
Result<bool> ChildProcess::Impl::AwaitExit(const Deadline& deadline) {
  for (;;) {
    siginfo_t info = {};
    if (::waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == EINTR) continue;
      reaped = true;  // someone else reaped it; nothing is left to wait for
      return FailErrno("wait for " + name, errno);
    }
    if (info.si_pid == pid) return true;
    int timeout = RemainingMs(deadline);
    if (timeout == 0) return false;
    if (pidfd) {
      pollfd exit_fd = {pidfd.get(), POLLIN, 0};
      ::poll(&exit_fd, 1, timeout);  // EINTR or not, the loop re-checks
    } else {
      int step = timeout < 0 ? 10 : std::min(timeout, 10);
      std::this_thread::sleep_for(std::chrono::milliseconds(step));
    }
  }
}

Status ChildProcess::Impl::Reap() {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno == EINTR) continue;
    reaped = true;
    return FailErrno("wait for " + name, errno);
  }
  reaped = true;
  if (WIFEXITED(status)) {
    result.status = {WEXITSTATUS(status), 0};
  } else if (WIFSIGNALED(status)) {
    result.status = {0, WTERMSIG(status)};
  }
  return Ok();
}

Status ChildProcess::Impl::SendSignal(int signo) {
  if (::kill(options.new_process_group ? -pid : pid, signo) != 0) {
    return FailErrno("signal " + name, errno);
  }
  return Ok();
}

void ChildProcess::Impl::Terminate() {
  if (pid <= 0 || reaped) return;
  // Closing our ends first lets a child blocked on a pipe fail and exit.
  stdin_fd.reset();
  out_fds[0].reset();
  out_fds[1].reset();
  // Failures below mean the child is already gone; reaping still follows.
  (void)SendSignal(SIGTERM);
  auto exited = AwaitExit(Clock::now() + options.kill_grace);
  if (!exited) return;
  // With its own group, descendants that outlived the leader die too.
  if (!*exited || options.new_process_group) (void)SendSignal(SIGKILL);
  (void)Reap();
}

ChildProcess::ChildProcess() = default;
ChildProcess::ChildProcess(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
ChildProcess::~ChildProcess() = default;
ChildProcess::ChildProcess(ChildProcess&& other) noexcept = default;
ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept = default;

pid_t ChildProcess::pid() const { return impl_ ? impl_->pid : -1; }

bool ChildProcess::running() const { return impl_ && !impl_->reaped; }

Result<ChildProcess> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                         SubprocessOptions options) {
  ZL_RETURN_IF_ERROR(ValidateOptions(argv, options));
  auto impl = std::make_unique<Impl>();
  std::array<UniqueFd, 3> child_ends;  // closed here once the child has them
  if (options.stdin_mode == StdinMode::kNull) {
    ZL_ASSIGN_OR_RETURN(child_ends[0], OpenDevNull(O_RDONLY));
  } else if (options.stdin_mode == StdinMode::kData) {
    ZL_ASSIGN_OR_RETURN(Pipe pipe, MakePipe());
    child_ends[0] = std::move(pipe.read_end);
    impl->stdin_fd = std::move(pipe.write_end);
  }
  for (int stream = 0; stream < 2; ++stream) {
    OutputMode mode = stream == 0 ? options.stdout_mode : options.stderr_mode;
    if (mode == OutputMode::kDiscard) {
      ZL_ASSIGN_OR_RETURN(child_ends[stream + 1], OpenDevNull(O_WRONLY));
    } else if (mode != OutputMode::kInherit) {
      ZL_ASSIGN_OR_RETURN(Pipe pipe, MakePipe());
      child_ends[stream + 1] = std::move(pipe.write_end);
      impl->out_fds[stream] = std::move(pipe.read_end);
    }
  }

  SpawnSpec spec{argv, MergeEnv(options.env, options.replace_env), options.cwd};
  for (int i = 0; i < 3; ++i) spec.stdio[i] = child_ends[i].get();
  spec.new_process_group = options.new_process_group;
  ZL_ASSIGN_OR_RETURN(impl->pid, SpawnProcess(spec));

  // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C". The
  // descriptor is close-on-exec; a kernel without pidfds leaves it -1.
  impl->pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, impl->pid, 0)));
  if (impl->stdin_fd && options.stdin_data.empty()) impl->stdin_fd.reset();
  if (impl->stdin_fd) ::fcntl(impl->stdin_fd.get(), F_SETFL, O_NONBLOCK);
  impl->name = argv[0];
  impl->options = std::move(options);
  return ChildProcess(std::move(impl));
}

Result<RunResult> ChildProcess::Wait() {
  if (!impl_) return Fail("wait: no child process", ErrorKind::kInvalid);
  if (impl_->reaped) {
    return Fail("wait for " + impl_->name + ": already reaped",
                ErrorKind::kInvalid);
  }
  Deadline deadline;
  if (impl_->options.timeout.count() > 0) {
    deadline = Clock::now() + impl_->options.timeout;
  }
  ZL_ASSIGN_OR_RETURN(bool finished, impl_->PumpIo(deadline));
  if (finished) {
    ZL_ASSIGN_OR_RETURN(finished, impl_->AwaitExit(deadline));
  }
  if (!finished) {
    impl_->Terminate();
    return Fail(impl_->name + ": timed out after " +
                std::to_string(impl_->options.timeout.count()) + "ms");
  }
  ZL_RETURN_IF_ERROR(impl_->Reap());
  return std::move(impl_->result);
}

Status ChildProcess::Signal(int signo) {
  if (!running()) {
    return Fail("signal: the child process has already exited",
                ErrorKind::kInvalid);
  }
  return impl_->SendSignal(signo);
}

void ChildProcess::Terminate() {
  if (impl_) impl_->Terminate();
}

Result<RunResult> Run(const std::vector<std::string>& argv,
                      SubprocessOptions options) {
  ZL_ASSIGN_OR_RETURN(ChildProcess child,
                      ChildProcess::Spawn(argv, std::move(options)));
  return child.Wait();
}

Result<RunResult> RunChecked(const std::vector<std::string>& argv,
                             SubprocessOptions options) {
  ZL_ASSIGN_OR_RETURN(RunResult result, Run(argv, std::move(options)));
  if (result.status.success()) return result;
  std::string message = CommandLine(argv) + ": " + result.status.ToString();
  std::string_view err = result.stderr_data;
  while (!err.empty() && std::isspace(static_cast<unsigned char>(err.back()))) {
    err.remove_suffix(1);
  }
  constexpr size_t kMaxTail = 1000;
  if (err.size() > kMaxTail) {
    message += ": ...";
    message += err.substr(err.size() - kMaxTail);
  } else if (!err.empty()) {
    message += ": ";
    message += err;
  }
  return Fail(std::move(message));
}

}  // namespace zlayer::base
