#include "buildah/cli.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "base/unique_fd.h"

namespace zlayer::buildah {
namespace {

using Clock = std::chrono::steady_clock;

// Signals one child through a pidfd while the build's cancel flag is set.
// A pidfd keeps naming the child after it is reaped (the signal then
// fails with ESRCH), so a recycled pid is never hit.
class CancelWatch {
 public:
  CancelWatch(const std::atomic<bool>* cancel, pid_t pid) {
    if (cancel == nullptr) return;
    pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd_) return;
    thread_ = std::thread([this, cancel] { Watch(cancel); });
  }
  ~CancelWatch() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

  bool fired() const { return fired_.load(); }

 private:
  void Watch(const std::atomic<bool>* cancel) {
    std::unique_lock<std::mutex> lock(mu_);
    Clock::time_point terminated;
    while (!done_) {
      wake_.wait_for(lock, std::chrono::milliseconds(50));
      if (done_ || !cancel->load()) continue;
      if (!fired_.load()) {
        fired_.store(true);
        terminated = Clock::now();
        Send(SIGTERM);
      } else if (Clock::now() - terminated > std::chrono::seconds(10)) {
        Send(SIGKILL);
        terminated = Clock::now();
      }
    }
  }
  void Send(int signo) {
    (void)::syscall(SYS_pidfd_send_signal, pidfd_.get(), signo, nullptr, 0);
  }

  base::UniqueFd pidfd_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool done_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

std::string Subcommand(const std::vector<std::string>& args) {
  return args.empty() ? "buildah" : "buildah " + args.front();
}

}  // namespace

Result<std::string> FindBinary() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    // An empty PATH entry means the current directory.
    std::string candidate = end == start
                                ? std::string("./buildah")
                                : dirs.substr(start, end - start) + "/buildah";
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return Fail("backend buildah: buildah not found (apt-get install buildah)",
              ErrorKind::kNotFound);
}

std::string LastErrorLine(const std::string& stderr_text) {
  size_t end = stderr_text.size();
  while (end > 0) {
    size_t start = stderr_text.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string line = stderr_text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    if (!line.empty()) {
      if (line.starts_with("Error: ")) line.erase(0, 7);
      return line;
    }
    end = start == 0 ? 0 : start - 1;
  }
  return "";
}

Result<base::RunResult> Cli::Run(const std::vector<std::string>& args,
                                 base::SubprocessOptions options,
                                 bool cancellable) const {
  std::vector<std::string> argv = {binary_};
  argv.insert(argv.end(), args.begin(), args.end());
  ZL_ASSIGN_OR_RETURN(
      base::ChildProcess child,
      WithContext(base::ChildProcess::Spawn(argv, options), Subcommand(args)));
  Result<base::RunResult> result = Fail("not run");
  bool cancelled = false;
  {
    CancelWatch watch(cancellable ? cancel_ : nullptr, child.pid());
    result = child.Wait();
    cancelled = watch.fired();
  }
  if (cancelled) return Fail("cancelled", ErrorKind::kCancelled);
  return WithContext(std::move(result), Subcommand(args));
}

Result<std::string> Cli::Output(const std::vector<std::string>& args,
                                const std::string& cwd) const {
  base::SubprocessOptions options;
  options.cwd = cwd;
  ZL_ASSIGN_OR_RETURN(base::RunResult run, Run(args, std::move(options), true));
  if (!run.status.success()) {
    std::string message = Subcommand(args) + ": " + run.status.ToString();
    std::string detail = LastErrorLine(run.stderr_data);
    if (!detail.empty()) message += ": " + detail;
    return Fail(std::move(message));
  }
  return std::move(run.stdout_data);
}

Result<base::ExitStatus> Cli::Stream(const std::vector<std::string>& args,
                                     const base::LineCallback& on_line) const {
  base::SubprocessOptions options;
  options.stdout_mode = base::OutputMode::kStream;
  options.stderr_mode = base::OutputMode::kStream;
  options.on_line = on_line;
  ZL_ASSIGN_OR_RETURN(base::RunResult run, Run(args, std::move(options), true));
  return run.status;
}

bool Cli::Quietly(const std::vector<std::string>& args) const {
  base::SubprocessOptions options;
  options.stdout_mode = base::OutputMode::kDiscard;
  options.stderr_mode = base::OutputMode::kDiscard;
  auto run = Run(args, std::move(options), false);
  return run && run->status.success();
}

}  // namespace zlayer::buildah
