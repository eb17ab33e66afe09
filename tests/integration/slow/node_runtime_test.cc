// The node20 runtime template end to end with a real toolchain: a stand-in
// for node:20-alpine (Debian's nodejs and npm, made by make_node_base.sh)
// is served by a loopback registry given as --default-registry, `zlayer
// build --runtime node20` installs the fixture app's dependency from the
// npm registry, and `zlayer run` of the image answers HTTP on loopback.
// Slow: the first run bootstraps Debian (cached afterwards).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/file_io.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "registry/testing/registry_server.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr char kBaseName[] = "node:20-alpine";

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void ReportTiming(const std::string& what, double seconds) {
  ::testing::Test::RecordProperty(what + "_seconds",
                                  std::to_string(static_cast<int>(seconds)));
  std::fprintf(stderr, "[  timing  ] %s: %.1f s\n", what.c_str(), seconds);
}

CommandResult ToCommandResult(const Result<base::RunResult>& run) {
  if (!run) return {.exit_code = -1, .err = run.error().message()};
  return {.exit_code =
              run->status.signal ? 128 + run->status.signal : run->status.code,
          .out = run->stdout_data,
          .err = run->stderr_data};
}

// One HTTP/1.0 GET of `/` on 127.0.0.1:port: the whole response, or ""
// when nothing accepts the connection or answers within a few seconds.
std::string HttpGet(int port) {
  base::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return "";
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
      0) {
    return "";
  }
  std::string request = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return "";
  }
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd.get(), buffer, sizeof(buffer), 0)) > 0;) {
    response.append(buffer, static_cast<size_t>(n));
  }
  return response;
}

// Whether `pid` has exited (a zombie not yet reaped) or is gone.
bool Exited(pid_t pid) {
  Result<std::string> stat =
      base::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  size_t paren = stat->rfind(')');
  return paren == std::string::npos || paren + 2 >= stat->size() ||
         (*stat)[paren + 2] == 'Z';
}

// The pids of live processes whose environment holds `entry` (K=V).
std::vector<pid_t> ProcessesWithEnv(const std::string& entry) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& dirent : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = dirent.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    Result<std::string> environ = base::ReadFile("/proc/" + name + "/environ");
    if (!environ) continue;
    size_t start = 0;
    while (start < environ->size()) {
      size_t end = environ->find('\0', start);
      if (end == std::string::npos) end = environ->size();
      if (environ->compare(start, end - start, entry) == 0) {
        pids.push_back(static_cast<pid_t>(std::stoi(name)));
        break;
      }
      start = end + 1;
    }
  }
  return pids;
}

class NodeRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("", "zlayer-slowtest-");
    ASSERT_TRUE(dir.has_value()) << dir.error().message();
    temp_ = std::move(*dir);
  }

  // Options for running zlayer: the developer's registry credentials stay
  // out of it.
  base::SubprocessOptions ZlOptions(std::chrono::milliseconds timeout) const {
    base::SubprocessOptions options;
    options.env = {"REGISTRY_AUTH_FILE=" + temp_.path() + "/auth.json",
                   "DOCKER_CONFIG=" + temp_.path() + "/docker", "NO_COLOR=1"};
    options.timeout = timeout;
    return options;
  }

  std::vector<std::string> ZlArgv(const std::string& root,
                                  const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {ZLAYER_BINARY, "--root", root};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  CommandResult Zl(const std::string& root,
                   const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = 300s) const {
    return ToCommandResult(base::Run(ZlArgv(root, args), ZlOptions(timeout)));
  }

  // `zlayer run` of the app in the background: waits until it answers HTTP
  // on a free loopback port, checks the reply, sends `signo` to zlayer run
  // alone and checks that no process of the container is left.
  void ServeAndStop(const std::string& root, int signo) {
    SCOPED_TRACE(std::string("stopped with ") + ::sigabbrev_np(signo));
    auto port = registry::testing::FreePort();
    ASSERT_TRUE(port.has_value()) << port.error().message();
    // Finds the container's processes whatever their pids on the host.
    const std::string marker =
        "ZLAYER_SLOW_TEST_MARKER=" + std::to_string(::getpid()) + "-" +
        std::to_string(*port);
    auto child = base::ChildProcess::Spawn(
        ZlArgv(root, {"run", "--rm", "-e", "PORT=" + std::to_string(*port),
                      "-e", marker, "app"}),
        ZlOptions(60s));
    ASSERT_TRUE(child.has_value()) << child.error().message();
    const pid_t run_pid = child->pid();

    auto start = Clock::now();
    std::string response;
    bool exited_early = false;
    while (SecondsSince(start) < 60) {
      response = HttpGet(*port);
      if (!response.empty()) break;
      if (Exited(run_pid)) {
        exited_early = true;
        break;
      }
      std::this_thread::sleep_for(200ms);
    }
    double answer_seconds = SecondsSince(start);

    EXPECT_EQ(::kill(run_pid, signo), 0);
    CommandResult run = ToCommandResult(child->Wait());
    ASSERT_FALSE(exited_early)
        << "zlayer run exited before answering: " << run.out << run.err;
    ASSERT_FALSE(response.empty()) << "nothing answered on 127.0.0.1:" << *port
                                   << " within 60 s: " << run.out << run.err;
    ReportTiming(std::string("first_http_answer_") + ::sigabbrev_np(signo),
                 answer_seconds);

    EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
    size_t body_at = response.find("\r\n\r\n");
    ASSERT_NE(body_at, std::string::npos) << response;
    EXPECT_EQ(response.substr(body_at + 4),
              "hello from zlayer node20 ms(90000)=2m ms('2 days')=172800000 "
              "uid=1000 cwd=/app NODE_ENV=production\n");
    // Wait() gave up (exit_code -1) if anything still held the output open.
    EXPECT_NE(run.exit_code, -1) << run.err;
    EXPECT_NE(run.out.find("listening on 127.0.0.1:" + std::to_string(*port)),
              std::string::npos)
        << run.out << run.err;

    std::vector<pid_t> left = ProcessesWithEnv(marker);
    for (auto waited = Clock::now(); !left.empty() && SecondsSince(waited) < 10;
         left = ProcessesWithEnv(marker)) {
      std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(left.empty())
        << left.size() << " container process(es) outlived zlayer run, pid "
        << left.front();
    // A survivor must not linger into the next test or CI run.
    for (pid_t pid : left) ::kill(pid, SIGKILL);
    EXPECT_EQ(HttpGet(*port), "") << "the server still answers";
  }

  base::TempDir temp_;
};

TEST_F(NodeRuntimeTest, BuildsNpmAppFromLoopbackBaseAndServesHttp) {
  auto test_start = Clock::now();
  const std::string base_root = temp_.path() + "/base-store";
  const std::string app_root = temp_.path() + "/app-store";

  // The stand-in base, from the cache when this script version made it.
  const std::string base_tar = temp_.path() + "/node-base.tar";
  auto start = Clock::now();
  base::SubprocessOptions script_options;
  script_options.timeout = 1500s;
  CommandResult made = ToCommandResult(
      base::Run({"bash", ZLAYER_SLOW_TEST_DIR "/make_node_base.sh", base_tar},
                std::move(script_options)));
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  ReportTiming("make_node_base", SecondsSince(start));

  CommandResult imported =
      Zl(base_root, {"import", base_tar, "-t", "node-base"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  auto registry = registry::testing::RegistryServer::StartOpen();
  ASSERT_TRUE(registry.has_value()) << registry.error().message();
  const std::string host = (*registry)->host();
  // A short name without a registry part is qualified with
  // --default-registry as it stands: no "library/" prefix outside docker.io.
  const std::string base_ref = host + "/" + kBaseName;
  CommandResult pushed =
      Zl(base_root, {"push", "--progress", "plain", "node-base", base_ref});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;

  // The build, in a store that has never seen the base.
  const std::string context = temp_.path() + "/context";
  std::filesystem::copy(ZLAYER_SLOW_TEST_DIR "/node_app", context,
                        std::filesystem::copy_options::recursive);
  start = Clock::now();
  CommandResult built =
      Zl(app_root,
         {"build", "--progress", "plain", "--runtime", "node20",
          "--default-registry", host, "-t", "app", context},
         900s);
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  ReportTiming("build", SecondsSince(start));
  EXPECT_NE((built.out + built.err).find("added 1 package"), std::string::npos)
      << "npm did not report installing the dependency:\n"
      << built.out << built.err;

  CommandResult inspected = Zl(app_root, {"inspect", "app"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  auto image = nlohmann::json::parse(inspected.out, nullptr, false);
  ASSERT_TRUE(image.is_object()) << inspected.out;
  const nlohmann::json& config = image["Config"];
  EXPECT_EQ(config.value("User", ""), "node") << config.dump();
  EXPECT_EQ(config.value("WorkingDir", ""), "/app") << config.dump();
  EXPECT_EQ(config.value("Cmd", nlohmann::json()),
            nlohmann::json::array({"node", "index.js"}))
      << config.dump();

  // The base came from the loopback registry under the qualified name.
  CommandResult base_in_app_store = Zl(app_root, {"inspect", base_ref});
  EXPECT_EQ(base_in_app_store.exit_code, 0) << base_in_app_store.err;

  // Stopped the way a user would, then the way a crash would.
  ServeAndStop(app_root, SIGTERM);
  ServeAndStop(app_root, SIGKILL);

  ReportTiming("whole_test", SecondsSince(test_start));
}

}  // namespace
}  // namespace zlayer::integration
