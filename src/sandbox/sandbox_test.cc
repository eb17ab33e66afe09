#include "sandbox/sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/temp_dir.h"
#include "sandbox/sandbox_testing.h"

namespace zlayer::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ListTree;
using ::testing::Pair;
using testing::ReadText;
using testing::WriteText;

struct Captured {
  std::vector<std::pair<OutputStream, std::string>> lines;
  std::vector<std::string> Of(OutputStream stream) const {
    std::vector<std::string> out;
    for (const auto& [s, line] : lines) {
      if (s == stream) out.push_back(line);
    }
    return out;
  }
  std::string Stdout() const {
    std::string out;
    for (const std::string& line : Of(OutputStream::kStdout))
      out += line + "\n";
    return out;
  }
};

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(EnterPrivateMountNamespace());
    auto dir = base::TempDir::Create("", "zlayer-sandbox-test-");
    ASSERT_TRUE(dir);
    dir_ = std::move(*dir);
    root_ = dir_.path() + "/rootfs";
    testing::MakeBusyboxRoot(root_);
  }

  RunSpec Spec(std::vector<std::string> argv) {
    RunSpec spec;
    spec.rootfs = root_;
    spec.argv = std::move(argv);
    spec.on_output = [this](OutputStream stream, std::string_view line) {
      captured_.lines.emplace_back(stream, std::string(line));
    };
    return spec;
  }

  RunResult MustRun(const RunSpec& spec) {
    Result<RunResult> result = sandbox::Run(spec);
    EXPECT_TRUE(result) << result.error().message();
    return result ? *result : RunResult{-1, 0};
  }

  base::TempDir dir_;
  std::string root_;
  Captured captured_;
};

TEST_F(SandboxTest, StreamsOutputLineByLine) {
  RunResult result = MustRun(
      Spec({"sh", "-c", "echo hello; echo world; echo oops >&2; printf tail"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.success());
  EXPECT_THAT(captured_.Of(OutputStream::kStdout),
              ElementsAre("hello", "world", "tail"));
  EXPECT_THAT(captured_.Of(OutputStream::kStderr), ElementsAre("oops"));
}

TEST_F(SandboxTest, ReportsExitCode) {
  RunResult result = MustRun(Spec({"sh", "-c", "exit 3"}));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.signal, 0);
  EXPECT_FALSE(result.success());
}

TEST_F(SandboxTest, InheritsStdioWithoutCallback) {
  RunSpec spec = Spec({"sh", "-c", "exit 4"});
  spec.on_output = nullptr;
  EXPECT_EQ(MustRun(spec).exit_code, 4);
}

TEST_F(SandboxTest, UsesTheContainerEnvAndPath) {
  WriteText(root_ + "/custom/mycmd", "#!/bin/sh\necho from-custom $FOO\n",
            0755);
  RunSpec spec = Spec({"mycmd"});
  spec.env = {"PATH=/nowhere:/custom:/bin", "FOO=bar"};
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "from-custom bar\n");

  captured_.lines.clear();
  spec = Spec({"sh", "-c", "echo $PATH; echo ${HOME:-unset}"});
  spec.env = {"PATH=/bin"};
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "/bin\nunset\n");
}

TEST_F(SandboxTest, DefaultPathWhenEnvHasNone) {
  // No PATH in the env: the default still finds /bin/echo.
  EXPECT_EQ(MustRun(Spec({"echo", "found"})).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "found\n");
}

TEST_F(SandboxTest, CommandNotFoundIs127) {
  RunResult result = MustRun(Spec({"nosuchcmd", "arg"}));
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_THAT(captured_.Of(OutputStream::kStderr),
              ElementsAre("zlayer: exec: \"nosuchcmd\": executable file not "
                          "found in $PATH"));

  captured_.lines.clear();
  result = MustRun(Spec({"/bin/nope"}));
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_THAT(captured_.Of(OutputStream::kStderr),
              ElementsAre("zlayer: exec: \"/bin/nope\": no such file or "
                          "directory"));
}

TEST_F(SandboxTest, NonExecutableFileIsASetupError) {
  WriteText(root_ + "/data.txt", "not a program\n", 0644);
  Result<RunResult> result = sandbox::Run(Spec({"/data.txt"}));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(), "exec /data.txt: Permission denied");
}

TEST_F(SandboxTest, CreatesTheWorkingDirectory) {
  RunSpec spec = Spec({"pwd"});
  spec.cwd = "/work/dir";
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "/work/dir\n");
  struct stat st;
  ASSERT_EQ(::stat((root_ + "/work/dir").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST_F(SandboxTest, SetsUserGroupsAndHostname) {
  RunSpec spec = Spec({"sh", "-c", "id; hostname"});
  spec.uid = 1000;
  spec.gid = 1001;
  spec.supplementary_gids = {20, 30};
  spec.hostname = "zl-test";
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(),
            "uid=1000 gid=1001 groups=20,30,1001\nzl-test\n");
}

TEST_F(SandboxTest, RootGetsDockerDefaultCapabilities) {
  RunResult result =
      MustRun(Spec({"grep", "-E", "^(Cap(Eff|Bnd|Inh|Prm)|NoNewPrivs)",
                    "/proc/self/status"}));
  EXPECT_EQ(result.exit_code, 0);
  // no_new_privs stays off so that setuid programs (su) work as in Docker.
  EXPECT_EQ(captured_.Stdout(),
            "CapInh:\t0000000000000000\n"
            "CapPrm:\t00000000a80425fb\n"
            "CapEff:\t00000000a80425fb\n"
            "CapBnd:\t00000000a80425fb\n"
            "NoNewPrivs:\t0\n");
  captured_.lines.clear();
  RunSpec spec = Spec({"grep", "-E", "^Cap(Eff|Bnd)", "/proc/self/status"});
  spec.uid = 1000;
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(),
            "CapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\n");
}

TEST_F(SandboxTest, HasItsOwnPidNamespace) {
  RunResult result = MustRun(Spec({"sh", "-c", "echo $$; ps -o pid | wc -l"}));
  EXPECT_EQ(result.exit_code, 0);
  std::vector<std::string> lines = captured_.Of(OutputStream::kStdout);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "1");
  // A header plus sh, ps and wc at most.
  EXPECT_LE(std::stoi(lines[1]), 4);
}

TEST_F(SandboxTest, NetworkNoneHasOnlyLoopbackAndItIsUp) {
  RunSpec spec = Spec({"sh", "-c",
                       "grep -c : /proc/net/dev; grep -o lo: /proc/net/dev; "
                       "cat /sys/class/net/lo/flags"});
  spec.network_none = true;
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  std::vector<std::string> lines = captured_.Of(OutputStream::kStdout);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "1");
  EXPECT_EQ(lines[1], "lo:");
  EXPECT_EQ(std::stoul(lines[2], nullptr, 16) & 1u, 1u);  // IFF_UP
}

TEST_F(SandboxTest, ProvidesDevices) {
  RunResult result = MustRun(
      Spec({"sh", "-c",
            "echo x > /dev/null; stat -c '%F %t,%T' /dev/null "
            "/dev/zero /dev/urandom; readlink /dev/ptmx; readlink /dev/fd; "
            "test -d /dev/shm && test -c /dev/pts/ptmx && echo ok; "
            "stat -c %a /dev /dev/shm"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(captured_.Stdout(),
            "character special file 1,3\n"
            "character special file 1,5\n"
            "character special file 1,9\n"
            "pts/ptmx\n/proc/self/fd\nok\n755\n1777\n");
}

TEST_F(SandboxTest, MasksKernelInterfaces) {
  // timer_list (a file) and acpi (a directory) exist on every x86 kernel
  // with procfs; both are masked in Docker.
  if (!std::filesystem::exists("/proc/timer_list") ||
      !std::filesystem::exists("/proc/acpi")) {
    GTEST_SKIP() << "kernel without /proc/timer_list or /proc/acpi";
  }
  RunResult result =
      MustRun(Spec({"sh", "-c",
                    "wc -c < /proc/timer_list; ls -A /proc/acpi | wc -l; "
                    "echo zz > /proc/sys/kernel/hostname || echo ro; "
                    "touch /sys/x 2>/dev/null || echo sys-ro"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "0\n0\nro\nsys-ro\n");
}

TEST_F(SandboxTest, BindMountsReadWriteAndReadOnly) {
  std::string rw = dir_.path() + "/rw";
  std::string ro = dir_.path() + "/ro";
  std::string file = dir_.path() + "/file.txt";
  WriteText(rw + "/in.txt", "rw-in\n");
  WriteText(ro + "/in.txt", "ro-in\n");
  WriteText(file, "single\n");
  RunSpec spec = Spec({"sh", "-c",
                       "cat /mnt/rw/in.txt /mnt/ro/in.txt /opt/file.txt; "
                       "echo out > /mnt/rw/out.txt; "
                       "touch /mnt/ro/x 2>/dev/null || echo ro-refused"});
  spec.mounts = {{Mount::Kind::kBind, rw, "/mnt/rw"},
                 {Mount::Kind::kBind, ro, "/mnt/ro", true},
                 {Mount::Kind::kBind, file, "/opt/file.txt", true}};
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "rw-in\nro-in\nsingle\nro-refused\n");
  EXPECT_EQ(ReadText(rw + "/out.txt"), "out\n");
  EXPECT_FALSE(std::filesystem::exists(root_ + "/mnt"));
  EXPECT_FALSE(std::filesystem::exists(root_ + "/opt"));
}

TEST_F(SandboxTest, MountsTmpfs) {
  RunSpec spec =
      Spec({"sh", "-c",
            "stat -c %a /scratch; grep '^tmpfs /scratch ' /proc/mounts | "
            "grep -o 'rw,[^ ]*'; echo hi > /scratch/f; cat /scratch/f"});
  spec.mounts = {{Mount::Kind::kTmpfs, "", "/scratch", false, 1 << 20, 0700}};
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  std::vector<std::string> lines = captured_.Of(OutputStream::kStdout);
  ASSERT_EQ(lines.size(), 3u) << captured_.Stdout();
  EXPECT_EQ(lines[0], "700");
  EXPECT_THAT(lines[1], HasSubstr("nosuid,nodev"));
  EXPECT_THAT(lines[1], HasSubstr("size=1024k"));
  EXPECT_EQ(lines[2], "hi");
}

TEST_F(SandboxTest, MountsNestedInsideAnEarlierMount) {
  std::string src = dir_.path() + "/src";
  WriteText(src + "/f", "nested\n");
  RunSpec spec = Spec({"cat", "/cache/deep/er/f"});
  spec.mounts = {{Mount::Kind::kTmpfs, "", "/cache"},
                 {Mount::Kind::kBind, src, "/cache/deep/er", true}};
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "nested\n");
  EXPECT_FALSE(std::filesystem::exists(root_ + "/cache"));
}

TEST_F(SandboxTest, WritesEtcFilesAndRemovesMountPointsAfterwards) {
  std::set<std::string> before = ListTree(root_);
  RunSpec spec = Spec({"cat", "/etc/hosts", "/etc/resolv.conf"});
  spec.resolv_conf = "nameserver 192.0.2.1\n";
  spec.hostname = "builder";
  spec.cwd = "/app";
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(),
            "127.0.0.1 localhost builder\n"
            "::1 localhost ip6-localhost ip6-loopback\n"
            "nameserver 192.0.2.1\n");
  std::set<std::string> after = ListTree(root_);
  before.insert("app d");
  EXPECT_EQ(before, after);

  captured_.lines.clear();
  spec.hosts = "10.0.0.1 custom\n";
  EXPECT_EQ(MustRun(spec).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "10.0.0.1 custom\nnameserver 192.0.2.1\n");
}

TEST_F(SandboxTest, KeepsExistingEtcAndItsTimestamps) {
  WriteText(root_ + "/etc/hosts", "");
  WriteText(root_ + "/etc/os-release", "ID=test\n");
  std::filesystem::create_directories(root_ + "/proc");
  struct timespec old_times[2] = {{1000000, 0}, {1000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (root_ + "/etc").c_str(), old_times, 0), 0);
  ASSERT_EQ(::utimensat(AT_FDCWD, root_.c_str(), old_times, 0), 0);
  std::set<std::string> before = ListTree(root_);
  EXPECT_EQ(MustRun(Spec({"cat", "/etc/os-release"})).exit_code, 0);
  EXPECT_EQ(captured_.Stdout(), "ID=test\n");
  EXPECT_EQ(ListTree(root_), before);
  struct stat st;
  ASSERT_EQ(::stat((root_ + "/etc").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1000000);
  ASSERT_EQ(::stat(root_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1000000);
  // The image's own (empty) /etc/hosts is a mount point here, never removed.
  EXPECT_TRUE(std::filesystem::exists(root_ + "/etc/hosts"));
}

TEST_F(SandboxTest, MountTargetsResolveInsideTheRoot) {
  // /etc is an absolute symlink: it must lead to ROOT/hostetc, not the
  // host's /hostetc.
  std::filesystem::create_directories(root_ + "/hostetc");
  std::filesystem::create_symlink("/../hostetc", root_ + "/etc");
  EXPECT_EQ(MustRun(Spec({"cat", "/hostetc/hosts"})).exit_code, 0);
  EXPECT_THAT(captured_.Stdout(), HasSubstr("127.0.0.1 localhost"));
  EXPECT_FALSE(std::filesystem::exists(root_ + "/hostetc/hosts"));
  EXPECT_FALSE(std::filesystem::exists("/hostetc"));
}

std::vector<pid_t> FindProcesses(const std::string& cmdline) {
  std::vector<pid_t> pids;
  DIR* dir = ::opendir("/proc");
  while (struct dirent* entry = ::readdir(dir)) {
    pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::string text =
        ReadText(std::string("/proc/") + entry->d_name + "/cmdline");
    if (text == cmdline) pids.push_back(pid);
  }
  ::closedir(dir);
  return pids;
}

TEST_F(SandboxTest, CancellationKillsTheWholeContainer) {
  std::string sleep_cmd = "sleep";
  sleep_cmd += '\0';
  sleep_cmd += "4242";
  sleep_cmd += '\0';
  std::atomic<bool> cancel{false};
  RunSpec spec = Spec({"sh", "-c", "sleep 4242 & sleep 4242"});
  spec.cancel = &cancel;
  std::vector<pid_t> seen;
  std::chrono::steady_clock::time_point cancelled_at;
  std::thread canceller([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      seen = FindProcesses(sleep_cmd);
      if (seen.size() == 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    cancelled_at = std::chrono::steady_clock::now();
    cancel = true;
  });
  Result<RunResult> result = sandbox::Run(spec);
  auto returned_at = std::chrono::steady_clock::now();
  canceller.join();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), ErrorKind::kCancelled);
  EXPECT_EQ(result.error().message(), "cancelled");
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_LT(returned_at - cancelled_at, std::chrono::seconds(1));
  for (pid_t pid : seen) {
    EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(pid)))
        << pid;
  }
  EXPECT_TRUE(FindProcesses(sleep_cmd).empty());
}

TEST_F(SandboxTest, AlreadyCancelledDoesNotStart) {
  std::atomic<bool> cancel{true};
  RunSpec spec = Spec({"true"});
  spec.cancel = &cancel;
  Result<RunResult> result = sandbox::Run(spec);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), ErrorKind::kCancelled);
}

TEST_F(SandboxTest, ReportsTheFailedSetupStep) {
  std::set<std::string> before = ListTree(root_);
  RunSpec spec = Spec({"true"});
  spec.mounts = {{Mount::Kind::kTmpfs, "", "/proc/zlayer-nope"}};
  Result<RunResult> result = sandbox::Run(spec);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message(),
              HasSubstr("create mount point /proc/zlayer-nope: "));
  EXPECT_EQ(ListTree(root_), before);

  spec.mounts = {{Mount::Kind::kBind, dir_.path() + "/missing", "/data"}};
  result = sandbox::Run(spec);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "bind mount on /data: " + dir_.path() +
                "/missing: No such file or directory");
  EXPECT_EQ(ListTree(root_), before);
}

TEST_F(SandboxTest, RefusesBadSpecs) {
  EXPECT_FALSE(sandbox::Run(Spec({})));
  RunSpec spec = Spec({"true"});
  spec.cwd = "relative";
  EXPECT_THAT(sandbox::Run(spec).error().message(),
              HasSubstr("not an absolute path"));
  spec = Spec({"true"});
  spec.mounts = {{Mount::Kind::kTmpfs, "", "/"}};
  EXPECT_EQ(sandbox::Run(spec).error().kind(), ErrorKind::kUnsupported);
  spec = Spec({"true"});
  spec.rootfs = dir_.path() + "/nope";
  EXPECT_THAT(sandbox::Run(spec).error().message(), HasSubstr("rootfs"));
}

TEST_F(SandboxTest, ManyRunsLeaveNoMounts) {
  std::string mountinfo = ReadText("/proc/self/mountinfo");
  std::set<std::string> before = ListTree(root_);
  std::string src = dir_.path() + "/src";
  std::filesystem::create_directories(src);
  for (int i = 0; i < 20; ++i) {
    RunSpec spec = Spec({"sh", "-c", "echo $$"});
    spec.mounts = {{Mount::Kind::kBind, src, "/src"},
                   {Mount::Kind::kTmpfs, "", "/tmp"}};
    spec.network_none = i % 2 == 0;
    ASSERT_EQ(MustRun(spec).exit_code, 0);
  }
  EXPECT_EQ(captured_.Of(OutputStream::kStdout).size(), 20u);
  EXPECT_EQ(ReadText("/proc/self/mountinfo"), mountinfo);
  EXPECT_EQ(ListTree(root_), before);
}

}  // namespace
}  // namespace zlayer::sandbox

namespace zlayer::sandbox {
namespace {

TEST(AddDefaultEnvTest, FillsOnlyWhatIsMissing) {
  std::vector<std::string> env = {"A=1"};
  AddDefaultEnv(env, "/root");
  EXPECT_EQ(env,
            (std::vector<std::string>{"A=1", "HOME=/root",
                                      std::string("PATH=") + kDefaultPath}));
  std::vector<std::string> set = {"HOME=/h", "PATH=/bin", "HOMEDIR=/x"};
  AddDefaultEnv(set, "/root");
  EXPECT_EQ(set,
            (std::vector<std::string>{"HOME=/h", "PATH=/bin", "HOMEDIR=/x"}));
}

}  // namespace
}  // namespace zlayer::sandbox
