// SIGINT during a RUN: the build stops, and leaves no mount, no process and
// a consistent store; the next build works.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/subprocess.h"
#include "tests/integration/build/build_fixture.h"

namespace zlayer::integration {
namespace {

std::string ReadAllText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Processes whose command line contains `marker`.
std::vector<pid_t> ProcessesWith(const std::string& marker) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadAllText(entry.path().string() + "/cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(marker) != std::string::npos) {
      pids.push_back(std::stoi(name));
    }
  }
  return pids;
}

class InterruptTest : public BuildFixture {};

TEST_F(InterruptTest, SigintDuringRunLeavesNothingBehind) {
  // A distinctive sleep length finds the container's processes in /proc.
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox\n"
               "RUN sleep 4711 & sleep 4711\n");
  std::string events = temp_.path() + "/events";
  base::SubprocessOptions options;
  auto child = base::ChildProcess::Spawn(
      {"sh", "-c",
       std::string("exec ") + ZLAYER_BINARY + " --root " + root_ +
           " build --progress=json -f " + context_ + "/Dockerfile " + context_ +
           " > " + events},
      options);
  ASSERT_TRUE(child) << child.error().message();
  // Wait until the RUN is running.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ProcessesWith("sleep 4711").empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(ProcessesWith("sleep 4711").empty()) << ReadAllText(events);
  ASSERT_TRUE(child->Signal(SIGINT));
  auto waited = child->Wait();
  ASSERT_TRUE(waited);
  EXPECT_NE(waited->status.code, 0);

  EXPECT_TRUE(ProcessesWith("sleep 4711").empty())
      << "container processes left";
  std::string mountinfo = ReadAllText("/proc/self/mountinfo");
  EXPECT_EQ(mountinfo.find(root_), std::string::npos) << mountinfo;
  EXPECT_NE(ReadAllText(events).find("build_failed"), std::string::npos);
  std::error_code ec;
  EXPECT_TRUE(!std::filesystem::exists(root_ + "/tmp/work", ec) ||
              std::filesystem::is_empty(root_ + "/tmp/work", ec));

  CommandResult verify = RunZlayer(root_, {"debug", "verify-store"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox\nRUN echo after > /after\n");
  CommandResult next = Build();
  EXPECT_EQ(next.exit_code, 0) << next.err;
}

}  // namespace
}  // namespace zlayer::integration
