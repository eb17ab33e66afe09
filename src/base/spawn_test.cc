#include "base/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"

namespace zlayer::base {
namespace {

int WaitExitCode(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Runs `argv` with stdout into a pipe and returns what it printed.
std::string OutputOf(SpawnSpec spec) {
  auto pipe = MakePipe();
  if (!pipe) return "pipe failed";
  spec.stdio[1] = pipe->write_end.get();
  if (spec.env.empty()) spec.env = MergeEnv({}, false);
  auto pid = SpawnProcess(spec);
  if (!pid) return pid.error().message();
  pipe->write_end.reset();
  std::string out = ReadAll(pipe->read_end.get()).value_or("read failed");
  WaitExitCode(*pid);
  return out;
}

bool HasNoChildren() {
  return ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
}

TEST(SpawnTest, RunsAProgramFromPath) {
  auto pid = SpawnProcess({.argv = {"sh", "-c", "exit 7"}});
  ASSERT_TRUE(pid.has_value()) << pid.error().message();
  EXPECT_EQ(WaitExitCode(*pid), 7);
}

TEST(SpawnTest, ReportsAMissingProgramAndReapsTheChild) {
  auto pid = SpawnProcess({.argv = {"nosuchcmd"}});
  ASSERT_FALSE(pid.has_value());
  EXPECT_EQ(pid.error().message(), "exec nosuchcmd: No such file or directory");
  EXPECT_EQ(pid.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(pid.error().errno_value(), ENOENT);
  EXPECT_TRUE(HasNoChildren());
}

TEST(SpawnTest, ReportsANonExecutableFile) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  std::string script = dir->path() + "/script";
  ASSERT_TRUE(WriteFileAtomic(script, "#!/bin/sh\n", 0644).has_value());
  auto pid = SpawnProcess({.argv = {script}});
  ASSERT_FALSE(pid.has_value());
  EXPECT_EQ(pid.error().message(), "exec " + script + ": Permission denied");
  EXPECT_EQ(pid.error().kind(), ErrorKind::kIo);
}

TEST(SpawnTest, ReportsABadWorkingDirectory) {
  auto pid = SpawnProcess({.argv = {"true"}, .cwd = "/nonexistent/dir"});
  ASSERT_FALSE(pid.has_value());
  EXPECT_EQ(pid.error().message(),
            "chdir /nonexistent/dir: No such file or directory");
  EXPECT_TRUE(HasNoChildren());
}

TEST(SpawnTest, RejectsAnEmptyCommand) {
  EXPECT_FALSE(SpawnProcess({}).has_value());
  EXPECT_FALSE(SpawnProcess({.argv = {""}}).has_value());
}

TEST(SpawnTest, UsesTheWorkingDirectoryAndEnvironment) {
  EXPECT_EQ(OutputOf({.argv = {"pwd"}, .cwd = "/"}), "/\n");
  // "env" is still found through the parent's PATH.
  EXPECT_EQ(OutputOf({.argv = {"env"}, .env = {"ONLY=1"}}), "ONLY=1\n");
}

TEST(SpawnTest, ResetsSignalMaskAndIgnoredSigpipe) {
  sigset_t block, old_mask;
  ::sigemptyset(&block);
  ::sigaddset(&block, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  struct sigaction ignore = {}, old_pipe;
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  std::string out = OutputOf(
      {.argv = {"sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"}});
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);

  EXPECT_NE(out.find("SigBlk:\t0000000000000000"), std::string::npos) << out;
  size_t ign = out.find("SigIgn:\t");
  ASSERT_NE(ign, std::string::npos) << out;
  unsigned long long ignored = std::stoull(out.substr(ign + 8), nullptr, 16);
  EXPECT_EQ(ignored & (1ULL << (SIGPIPE - 1)), 0u) << out;
}

TEST(SpawnTest, DoesNotLeakDescriptorsWithoutCloexec) {
  int leaked = ::open("/dev/null", O_RDONLY);  // deliberately no O_CLOEXEC
  ASSERT_GE(leaked, 0);
  int high = ::fcntl(leaked, F_DUPFD, 100);
  ::close(leaked);
  ASSERT_GE(high, 100);
  std::string out =
      OutputOf({.argv = {"sh", "-c", "ls /proc/$$/fd | tr '\\n' ' '"}});
  ::close(high);
  EXPECT_EQ(out.find(std::to_string(high)), std::string::npos) << out;
}

TEST(SpawnTest, StartsANewProcessGroup) {
  SpawnSpec spec{.argv = {"sh", "-c", "cut -d' ' -f5 /proc/$$/stat"}};
  spec.new_process_group = true;
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.has_value());
  spec.stdio[1] = pipe->write_end.get();
  auto pid = SpawnProcess(spec);
  ASSERT_TRUE(pid.has_value());
  pipe->write_end.reset();
  std::string out = ReadAll(pipe->read_end.get()).value_or("");
  EXPECT_EQ(WaitExitCode(*pid), 0);
  EXPECT_EQ(out, std::to_string(*pid) + "\n");
}

// The child's stdio sources may themselves be descriptors 0-2; swapping
// stdout and stderr must not let one dup2 clobber the other's source.
TEST(SpawnTest, SwapsStandardStreams) {
  auto out = MakePipe();
  auto err = MakePipe();
  ASSERT_TRUE(out.has_value() && err.has_value());
  pid_t helper = ::fork();
  if (helper == 0) {
    ::dup2(out->write_end.get(), 1);
    ::dup2(err->write_end.get(), 2);
    auto pid =
        SpawnProcess({.argv = {"sh", "-c", "echo to-out; echo to-err >&2"},
                      .stdio = {-1, 2, 1}});
    ::_exit(pid && WaitExitCode(*pid) == 0 ? 0 : 1);
  }
  out->write_end.reset();
  err->write_end.reset();
  std::string on_out = ReadAll(out->read_end.get()).value_or("");
  std::string on_err = ReadAll(err->read_end.get()).value_or("");
  EXPECT_EQ(WaitExitCode(helper), 0);
  EXPECT_EQ(on_out, "to-err\n");
  EXPECT_EQ(on_err, "to-out\n");
}

TEST(MergeEnvTest, OverridesInPlaceAndAppends) {
  ::setenv("ZL_MERGE_TEST", "parent", 1);
  auto env = MergeEnv({"ZL_MERGE_TEST=child", "ZL_NEW=1", "ZL_NEW=2"}, false);
  ::unsetenv("ZL_MERGE_TEST");
  int seen = 0;
  for (const auto& entry : env) {
    if (entry.rfind("ZL_MERGE_TEST=", 0) == 0) {
      EXPECT_EQ(entry, "ZL_MERGE_TEST=child");
      ++seen;
    }
  }
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(env.back(), "ZL_NEW=2");
  EXPECT_EQ(MergeEnv({"A=1", "B=2", "A=3"}, true),
            (std::vector<std::string>{"A=3", "B=2"}));
}

}  // namespace
}  // namespace zlayer::base
