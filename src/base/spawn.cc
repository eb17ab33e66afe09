#include "base/spawn.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "base/unique_fd.h"

extern char** environ;

namespace zlayer::base {
namespace {

// What the child reports through the error pipe when it cannot exec.
enum class ChildStage : int { kStdio, kChdir, kExec };
struct ChildFailure {
  ChildStage stage;
  int err;
};

// Everything the child needs, prepared before fork: after fork in a
// multi-threaded parent the child may only make async-signal-safe calls, so
// it must not allocate.
struct ChildSetup {
  std::vector<char*> argv;
  std::vector<char*> envp;
  const char* cwd = nullptr;
  std::array<int, 3> stdio = {-1, -1, -1};
  int error_fd = -1;
  bool new_process_group = false;
};

[[noreturn]] void ReportAndExit(int error_fd, ChildStage stage) {
  ChildFailure failure{stage, errno};
  ssize_t ignored = ::write(error_fd, &failure, sizeof failure);
  (void)ignored;
  ::_exit(127);
}

// Runs with every signal blocked (see SpawnProcess). Handlers inherited from
// the parent must not run in the child, and an ignored SIGPIPE or a blocked
// mask would survive exec and confuse the program (a pipeline whose writer
// ignores SIGPIPE never stops; a blocked SIGTERM makes it unkillable).
void ResetSignals() {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction current;
    if (::sigaction(sig, nullptr, &current) != 0) continue;
    bool caught =
        current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN;
    if (caught || sig == SIGPIPE) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] void ChildMain(ChildSetup& setup) {
  ResetSignals();
  if (setup.new_process_group) ::setpgid(0, 0);

  // Lift every source above 2 first so that installing one standard stream
  // cannot overwrite the source of another.
  for (int& fd : setup.stdio) {
    if (fd >= 0 && fd <= 2 && (fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
      ReportAndExit(setup.error_fd, ChildStage::kStdio);
    }
  }
  for (int target = 0; target < 3; ++target) {
    int fd = setup.stdio[target];
    if (fd >= 0 && ::dup2(fd, target) < 0) {
      ReportAndExit(setup.error_fd, ChildStage::kStdio);
    }
  }
  if (setup.cwd != nullptr && ::chdir(setup.cwd) != 0) {
    ReportAndExit(setup.error_fd, ChildStage::kChdir);
  }
  // Descriptors other code opened without O_CLOEXEC must not leak into the
  // child either. Kernels before 5.11 lack this; then only ours are covered.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execvpe(setup.argv[0], setup.argv.data(), setup.envp.data());
  ReportAndExit(setup.error_fd, ChildStage::kExec);
}

std::vector<char*> PointersTo(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

Error ChildFailureError(const ChildFailure& failure, const SpawnSpec& spec) {
  std::string message;
  ErrorKind kind = ErrorKind::kIo;
  switch (failure.stage) {
    case ChildStage::kStdio:
      message = "set up stdio for " + spec.argv[0];
      break;
    case ChildStage::kChdir:
      message = "chdir " + spec.cwd;
      break;
    case ChildStage::kExec:
      message = "exec " + spec.argv[0];
      if (failure.err == ENOENT) kind = ErrorKind::kNotFound;
      break;
  }
  message += ": ";
  message += std::strerror(failure.err);
  return Error(std::move(message), kind, failure.err);
}

// Waits for the child's report: end of file means exec closed the pipe.
Result<bool> ReadFailure(int fd, ChildFailure& failure) {
  for (;;) {
    ssize_t n = ::read(fd, &failure, sizeof failure);
    if (n == static_cast<ssize_t>(sizeof failure)) return true;
    if (n == 0) return false;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("read exec status", errno);
    return Fail("read exec status: short read", ErrorKind::kIo);
  }
}

// Blocks every signal in this thread for the duration of fork, so that no
// parent handler can run in the child before it resets them.
class AllSignalsBlocked {
 public:
  AllSignalsBlocked() {
    sigset_t all;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old_);
  }
  ~AllSignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  AllSignalsBlocked(const AllSignalsBlocked&) = delete;
  AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

void Reap(pid_t pid) {
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::vector<std::string> MergeEnv(const std::vector<std::string>& entries,
                                  bool replace) {
  std::vector<std::string> env;
  std::unordered_map<std::string, size_t> index;
  auto add = [&](std::string entry) {
    std::string key = entry.substr(0, entry.find('='));
    auto [it, inserted] = index.emplace(std::move(key), env.size());
    if (inserted) {
      env.push_back(std::move(entry));
    } else {
      env[it->second] = std::move(entry);
    }
  };
  if (!replace) {
    for (char** p = environ; p != nullptr && *p != nullptr; ++p) add(*p);
  }
  for (const std::string& entry : entries) add(entry);
  return env;
}

Result<pid_t> SpawnProcess(const SpawnSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return Fail("spawn: empty command", ErrorKind::kInvalid);
  }
  ZL_ASSIGN_OR_RETURN(Pipe errors, MakePipe());
  ChildSetup setup;
  setup.argv = PointersTo(spec.argv);
  setup.envp = PointersTo(spec.env);
  setup.cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();
  setup.stdio = spec.stdio;
  setup.error_fd = errors.write_end.get();
  setup.new_process_group = spec.new_process_group;

  pid_t pid;
  {
    AllSignalsBlocked blocked;
    pid = ::fork();
    if (pid == 0) ChildMain(setup);
  }
  if (pid < 0) return FailErrno("fork for " + spec.argv[0], errno);

  errors.write_end.reset();
  ChildFailure failure;
  auto failed = ReadFailure(errors.read_end.get(), failure);
  if (failed && !*failed) return pid;
  Reap(pid);
  if (!failed) return std::unexpected(failed.error().AddContext(spec.argv[0]));
  return std::unexpected(ChildFailureError(failure, spec));
}

}  // namespace zlayer::base
