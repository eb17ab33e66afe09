#include "base/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::base {
namespace {

using std::chrono::milliseconds;
using Lines = std::vector<std::string>;

std::vector<std::string> Sh(const std::string& script) {
  return {"sh", "-c", script};
}

// True once `pid` is neither running nor a zombie of ours.
bool Gone(pid_t pid) {
  if (::waitpid(pid, nullptr, WNOHANG) == 0) return false;  // still ours
  std::string stat =
      ReadFile("/proc/" + std::to_string(pid) + "/stat").value_or("");
  size_t paren = stat.rfind(')');
  return stat.empty() || (paren != std::string::npos && stat[paren + 2] == 'Z');
}

TEST(SubprocessTest, CapturesOutputAndExitCode) {
  auto result = base::Run(Sh("echo out; echo err >&2; exit 3"));
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->stdout_data, "out\n");
  EXPECT_EQ(result->stderr_data, "err\n");
  EXPECT_EQ(result->status, (ExitStatus{3, 0}));
  EXPECT_FALSE(result->status.success());
  EXPECT_EQ(result->status.ToString(), "exit status 3");
}

TEST(SubprocessTest, ReportsTheTerminatingSignal) {
  auto result = base::Run(Sh("kill -KILL $$"));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status.signal, SIGKILL);
  EXPECT_EQ(result->status.ToString(), "killed by signal SIGKILL");
}

TEST(SubprocessTest, ExecFailureIsAnError) {
  auto result = base::Run({"nosuchcmd", "arg"});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(),
            "exec nosuchcmd: No such file or directory");
}

TEST(SubprocessTest, FeedsLargeStdinWhileReadingOutput) {
  std::string data(2 << 20, 'q');
  for (size_t i = 0; i < data.size(); i += 4099) data[i] = '\n';
  SubprocessOptions options;
  options.stdin_mode = StdinMode::kData;
  options.stdin_data = data;
  auto result = base::Run({"cat"}, std::move(options));
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_TRUE(result->status.success());
  EXPECT_EQ(result->stdout_data, data);
}

TEST(SubprocessTest, ChildThatIgnoresStdinDoesNotKillUs) {
  SubprocessOptions options;
  options.stdin_mode = StdinMode::kData;
  options.stdin_data = std::string(4 << 20, 'x');
  auto result = base::Run({"true"}, std::move(options));
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_TRUE(result->status.success());
}

TEST(SubprocessTest, StdinDefaultsToDevNull) {
  auto result = base::Run({"cat"});
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->stdout_data, "");
  SubprocessOptions empty;
  empty.stdin_mode = StdinMode::kData;
  EXPECT_EQ(base::Run({"cat"}, std::move(empty)).value().stdout_data, "");
}

TEST(SubprocessTest, AddsToOrReplacesTheEnvironment) {
  ::setenv("ZL_SUBPROCESS_PARENT", "kept", 1);
  SubprocessOptions added;
  added.env = EnvFromMap({{"ZL_ADDED", "yes"}});
  auto result = base::Run(Sh("echo $ZL_ADDED $ZL_SUBPROCESS_PARENT"), added);
  ::unsetenv("ZL_SUBPROCESS_PARENT");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->stdout_data, "yes kept\n");

  SubprocessOptions replaced;
  replaced.env = {"A=1", "B=2", "A=3"};
  replaced.replace_env = true;
  EXPECT_EQ(base::Run({"env"}, replaced).value().stdout_data, "A=3\nB=2\n");
}

TEST(SubprocessTest, RunsInTheGivenDirectory) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  SubprocessOptions options;
  options.cwd = dir->path();
  EXPECT_EQ(base::Run({"pwd"}, options).value().stdout_data,
            dir->path() + "\n");
}

TEST(SubprocessTest, StreamsLinesPerStream) {
  Lines out, err;
  SubprocessOptions options;
  options.stdout_mode = OutputMode::kStream;
  options.stderr_mode = OutputMode::kStream;
  options.on_line = [&](std::string_view line, bool is_stderr) {
    (is_stderr ? err : out).emplace_back(line);
  };
  auto result = base::Run(
      Sh("printf 'a\\n\\nb\\n'; printf 'e1\\n' >&2; printf tail"), options);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(out, (Lines{"a", "", "b", "tail"}));
  EXPECT_EQ(err, (Lines{"e1"}));
  EXPECT_EQ(result->stdout_data, "");
}

TEST(SubprocessTest, SplitsOverlongLines) {
  Lines out;
  SubprocessOptions options;
  options.stdout_mode = OutputMode::kStream;
  options.stderr_mode = OutputMode::kDiscard;
  options.on_line = [&](std::string_view line, bool) {
    out.emplace_back(line);
  };
  auto result =
      base::Run(Sh("head -c 150000 /dev/zero | tr '\\0' x; echo"), options);
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].size(), 65536u);
  EXPECT_EQ(out[1].size(), 65536u);
  EXPECT_EQ(out[2].size(), 150000u - 2 * 65536u);
  // A line of exactly the limit stays whole, with no empty line after it.
  out.clear();
  ASSERT_TRUE(
      base::Run(Sh("head -c 65536 /dev/zero | tr '\\0' y; echo; echo z"),
                options)
          .has_value());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].size(), 65536u);
  EXPECT_EQ(out[1], "z");
}

TEST(SubprocessTest, DiscardsOutput) {
  SubprocessOptions options;
  options.stdout_mode = OutputMode::kDiscard;
  auto result = base::Run(Sh("echo gone; echo kept >&2"), options);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->stdout_data, "");
  EXPECT_EQ(result->stderr_data, "kept\n");
}

TEST(SubprocessTest, RejectsInconsistentOptions) {
  EXPECT_FALSE(base::Run({}).has_value());
  SubprocessOptions no_callback;
  no_callback.stderr_mode = OutputMode::kStream;
  auto r = base::Run({"true"}, no_callback);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalid);
  SubprocessOptions stray_stdin;
  stray_stdin.stdin_data = "x";
  EXPECT_FALSE(base::Run({"true"}, stray_stdin).has_value());
  SubprocessOptions bad_env;
  bad_env.env = {"NOEQUALS"};
  r = base::Run({"true"}, bad_env);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(),
            "run true: environment entry \"NOEQUALS\" is not KEY=VALUE");
}

TEST(SubprocessTest, TimesOutAndKillsTheChild) {
  SubprocessOptions options;
  options.timeout = milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  auto child = ChildProcess::Spawn({"sleep", "30"}, options);
  ASSERT_TRUE(child.has_value());
  pid_t pid = child->pid();
  auto result = child->Wait();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(), "sleep: timed out after 200ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(child->running());
  EXPECT_TRUE(Gone(pid));
}

TEST(SubprocessTest, DestructorTerminatesAndReaps) {
  pid_t pid;
  auto start = std::chrono::steady_clock::now();
  {
    auto child = ChildProcess::Spawn({"sleep", "30"});
    ASSERT_TRUE(child.has_value());
    pid = child->pid();
    EXPECT_TRUE(child->running());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(Gone(pid));
}

// A child that ignores SIGTERM is killed after the grace period, together
// with the background process it started in its group.
TEST(SubprocessTest, EscalatesToSigkillForTheWholeGroup) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  std::string marker = dir->path() + "/bg.pid";
  SubprocessOptions options;
  options.new_process_group = true;
  options.kill_grace = milliseconds(200);
  auto child = ChildProcess::Spawn(
      Sh("trap '' TERM; sleep 30 & echo $! > " + marker + "; wait"), options);
  ASSERT_TRUE(child.has_value());
  pid_t pid = child->pid();
  std::string bg;
  for (int i = 0; i < 500 && bg.empty(); ++i) {
    bg = ReadFile(marker).value_or("");
    if (bg.empty() || bg.back() != '\n') bg.clear();
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_FALSE(bg.empty());
  auto start = std::chrono::steady_clock::now();
  child->Terminate();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, milliseconds(190));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_TRUE(Gone(pid));
  pid_t bg_pid = std::stoi(bg);
  for (int i = 0; i < 200 && !Gone(bg_pid); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(Gone(bg_pid));
}

TEST(SubprocessTest, SignalsAndWaits) {
  auto child = ChildProcess::Spawn({"sleep", "30"});
  ASSERT_TRUE(child.has_value());
  ASSERT_TRUE(child->Signal(SIGTERM).has_value());
  auto result = child->Wait();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status.signal, SIGTERM);
  EXPECT_FALSE(child->Signal(SIGTERM).has_value());
  auto again = child->Wait();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind(), ErrorKind::kInvalid);
}

TEST(SubprocessTest, MovedChildCanBeWaitedFor) {
  auto spawned = ChildProcess::Spawn(Sh("echo moved"));
  ASSERT_TRUE(spawned.has_value());
  ChildProcess child = std::move(*spawned);
  EXPECT_EQ(spawned->pid(), -1);
  EXPECT_FALSE(spawned->running());
  EXPECT_EQ(child.Wait().value().stdout_data, "moved\n");
  ChildProcess empty;
  EXPECT_FALSE(empty.Wait().has_value());
}

TEST(SubprocessTest, RunsFromManyThreads) {
  constexpr int kThreads = 4;
  constexpr int kRuns = 15;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < kRuns; ++i) {
        std::string expected = std::to_string(t) + "-" + std::to_string(i);
        auto result = base::Run({"echo", expected});
        if (!result || result->stdout_data != expected + "\n") ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
}

TEST(SubprocessTest, RunCheckedNamesTheCommandAndItsStderr) {
  auto ok = RunChecked({"echo", "fine"});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->stdout_data, "fine\n");
  auto failed = RunChecked(Sh("echo oops >&2; exit 2"));
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().message(),
            "sh -c echo oops >&2; exit 2: exit status 2: oops");
}

}  // namespace
}  // namespace zlayer::base
