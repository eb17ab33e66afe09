// `zlayer build --backend buildah` end to end, against a buildah storage of
// the test's own (CONTAINERS_STORAGE_CONF, vfs driver): the image lands in
// both stores, runs, and no working container or intermediate image of
// the build survives it, whether it succeeds, fails or is interrupted.
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
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

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Mount points at or below `dir`, deepest first.
std::vector<std::string> MountsUnder(const std::string& dir) {
  std::vector<std::string> mounts;
  std::istringstream info(ReadAllText("/proc/self/mountinfo"));
  for (std::string line; std::getline(info, line);) {
    std::istringstream fields(line);
    std::string id, parent, devs, root, point;
    fields >> id >> parent >> devs >> root >> point;
    if (point == dir || point.starts_with(dir + "/")) mounts.push_back(point);
  }
  std::sort(mounts.rbegin(), mounts.rend());
  return mounts;
}

bool AnyProcessWith(const std::string& marker) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadAllText(entry.path().string() + "/cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(marker) != std::string::npos) return true;
  }
  return false;
}

class BuildahBackendTest : public BuildFixture {
 protected:
  void SetUp() override {
    if (!HaveTool("buildah")) GTEST_SKIP() << "buildah is not installed";
    BuildFixture::SetUp();
    storage_ = temp_.path() + "/buildah";
    std::filesystem::create_directories(storage_ + "/root");
    std::filesystem::create_directories(storage_ + "/runroot");
    std::string conf = storage_ + "/storage.conf";
    std::ofstream(conf) << "[storage]\n"
                           "driver = \"vfs\"\n"
                           "graphroot = \""
                        << storage_ << "/root\"\n"
                        << "runroot = \"" << storage_ << "/runroot\"\n";
    // zlayer and the buildah it starts inherit this environment.
    ::setenv("CONTAINERS_STORAGE_CONF", conf.c_str(), 1);
  }

  void TearDown() override {
    if (storage_.empty()) return;
    Buildah({"rm", "--all"});
    Buildah({"rmi", "--all", "--force"});
    for (const std::string& point : MountsUnder(storage_)) {
      ::umount2(point.c_str(), MNT_DETACH);
    }
    ::unsetenv("CONTAINERS_STORAGE_CONF");
  }

  CommandResult Buildah(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"buildah"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // Names of every image and container in the test's buildah storage.
  std::vector<std::string> BuildahNames() {
    std::vector<std::string> names;
    CommandResult images =
        Buildah({"images", "--all", "--format", "{{.Name}}:{{.Tag}}"});
    EXPECT_EQ(images.exit_code, 0) << images.err;
    for (std::string& line : Lines(images.out)) names.push_back(line);
    CommandResult containers =
        Buildah({"containers", "--all", "--format", "{{.ContainerName}}"});
    EXPECT_EQ(containers.exit_code, 0) << containers.err;
    for (std::string& line : Lines(containers.out)) names.push_back(line);
    return names;
  }

  // Images and containers this test's builds left in buildah's storage
  // under the names builds give their working state.
  std::vector<std::string> Leftovers() {
    std::vector<std::string> left;
    for (const std::string& name : BuildahNames()) {
      if (name.find("zlayer-build-") != std::string::npos) {
        left.push_back(name);
      }
    }
    CommandResult containers = Buildah({"containers", "--all", "--quiet"});
    for (std::string& id : Lines(containers.out)) {
      left.push_back("container " + id);
    }
    return left;
  }

  std::vector<nlohmann::json> Events(const std::string& type) const {
    std::vector<nlohmann::json> events;
    for (const std::string& line : Lines(last_.out)) {
      auto event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_object() && event.value("type", "") == type) {
        events.push_back(event);
      }
    }
    return events;
  }

  std::string storage_;
};

constexpr char kMultiStage[] =
    "FROM zlayer-test/busybox:latest AS build\n"
    "WORKDIR /src\n"
    "COPY src/ ./\n"
    "ENV GREETING=\"hello from build\"\n"
    "RUN echo \"$GREETING\" > out.txt && cat main.txt >> out.txt && "
    "ls >> out.txt && echo compiled\n"
    "FROM zlayer-test/busybox:latest\n"
    "WORKDIR /app\n"
    "COPY --from=build /src/out.txt result.txt\n"
    "ENV MODE=prod PRICE='$5'\n"
    "CMD [\"cat\", \"/app/result.txt\"]\n";

TEST_F(BuildahBackendTest, MultiStageImageInBothStores) {
  WriteContext("Dockerfile", kMultiStage);
  WriteContext("src/main.txt", "main file\n");
  WriteContext("src/ignored.txt", "not sent\n");
  WriteContext(".dockerignore", "src/ignored.txt\n");
  auto started = std::chrono::steady_clock::now();
  CommandResult built = Build({"--backend", "buildah", "-t", "app:v1"});
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(built.exit_code, 0) << built.err << built.out;
  std::cerr
      << "buildah backend build took "
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
      << " ms\n";

  // The native engine's events, stage by stage and step by step.
  ASSERT_EQ(Events("build_started").size(), 1u);
  EXPECT_EQ(Events("build_started")[0]["total_steps"], 8);
  EXPECT_EQ(Events("stage_started").size(), 2u);
  EXPECT_EQ(Events("instruction_started").size(), 8u);
  EXPECT_EQ(Completed().size(), 8u);
  EXPECT_EQ(Events("stage_complete").size(), 2u);
  bool saw_output = false;
  for (const nlohmann::json& line : Events("output_line")) {
    saw_output |= line.value("line", "") == "compiled";
  }
  EXPECT_TRUE(saw_output) << last_.out;
  ASSERT_EQ(Events("build_complete").size(), 1u);
  std::string id = ImageId();
  ASSERT_TRUE(id.starts_with("sha256:")) << last_.out;

  // In the zlayer store, as built.
  CommandResult inspected = RunZlayer(root_, {"inspect", "app:v1"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  auto image = nlohmann::json::parse(inspected.out);
  EXPECT_EQ(image["Id"], id);
  const nlohmann::json& config = image["Config"];
  EXPECT_EQ(config["WorkingDir"], "/app");
  EXPECT_EQ(config["Cmd"], nlohmann::json::array({"cat", "/app/result.txt"}));
  std::set<std::string> env(config["Env"].begin(), config["Env"].end());
  EXPECT_TRUE(env.contains("MODE=prod")) << config.dump();
  // A "$" in a value reaches the image as it is, although `buildah config`
  // expands variables.
  EXPECT_TRUE(env.contains("PRICE=$5")) << config.dump();
  EXPECT_FALSE(env.contains("GREETING=hello from build")) << config.dump();

  CommandResult ran = RunZlayer(root_, {"run", "app:v1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  // src/ignored.txt stayed out of the COPY (.dockerignore).
  EXPECT_EQ(ran.out, "hello from build\nmain file\nmain.txt\nout.txt\n");
  CommandResult listed = RunZlayer(root_, {"run", "app:v1", "ls", "/app"});
  EXPECT_EQ(listed.out, "result.txt\n");

  // In buildah's storage under the tag, the same image.
  CommandResult buildah_image =
      Buildah({"inspect", "--type", "image", "--format", "{{.FromImageID}}",
               "localhost/app:v1"});
  ASSERT_EQ(buildah_image.exit_code, 0) << buildah_image.err;
  EXPECT_EQ("sha256:" + Lines(buildah_image.out).at(0), id);

  EXPECT_TRUE(Leftovers().empty()) << ::testing::PrintToString(BuildahNames());
}

TEST_F(BuildahBackendTest, RepeatedLayersStillMount) {
  // Every buildah commit adds an empty layer, so a metadata-only stage on
  // top of another repeats a diff_id, which overlayfs refuses to stack
  // twice: the native side must still run such an image.
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox:latest AS one\n"
               "ENV A=1\n"
               "FROM one\n"
               "ENV B=2\n"
               "CMD [\"sh\", \"-c\", \"echo $A$B\"]\n");
  CommandResult built = Build({"--backend", "buildah", "-t", "repeated"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  CommandResult inspected = RunZlayer(root_, {"inspect", "repeated"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  auto diff_ids = nlohmann::json::parse(inspected.out)["RootFS"]["diff_ids"];
  std::set<std::string> unique;
  for (const auto& id : diff_ids) unique.insert(id.get<std::string>());
  EXPECT_LT(unique.size(), diff_ids.size()) << diff_ids.dump();
  CommandResult run = RunZlayer(root_, {"run", "--rm", "repeated"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "12\n");
}

TEST_F(BuildahBackendTest, FailedBuildLeavesNothingBehind) {
  // Stage "one" is committed before stage two's RUN fails; chosen through
  // ZLAYER_BACKEND this time.
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox:latest AS one\n"
               "RUN echo one > /one\n"
               "FROM zlayer-test/busybox:latest\n"
               "COPY --from=one /one /one\n"
               "RUN echo about to fail && exit 3\n");
  ::setenv("ZLAYER_BACKEND", "buildah", 1);
  CommandResult built = Build({"--retries", "1"});
  ::unsetenv("ZLAYER_BACKEND");
  ASSERT_NE(built.exit_code, 0) << built.out;
  EXPECT_NE(built.err.find("Dockerfile:5: RUN echo about to fail && exit 3: "
                           "process did not complete successfully: exit "
                           "code 3"),
            std::string::npos)
      << built.err;
  std::vector<nlohmann::json> failed = Events("build_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["stage"], 1);
  EXPECT_EQ(failed[0]["step"], 1);
  int attempts = 0;
  for (const nlohmann::json& line : Events("output_line")) {
    attempts += line.value("line", "") == "about to fail";
  }
  EXPECT_EQ(attempts, 2) << "--retries 1 runs the RUN twice";
  EXPECT_TRUE(Leftovers().empty()) << ::testing::PrintToString(BuildahNames());
  CommandResult images = RunZlayer(root_, {"images"});
  EXPECT_EQ(Lines(images.out).size(), 2u) << images.out;  // header + base
}

TEST_F(BuildahBackendTest, UnsupportedFeatureIsRefusedBeforeAnythingRuns) {
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox:latest\n"
               "RUN echo first\n"
               "COPY --link a.txt /a.txt\n");
  WriteContext("a.txt", "a\n");
  CommandResult built = Build({"--backend", "buildah"});
  EXPECT_NE(built.exit_code, 0);
  EXPECT_TRUE(built.err.starts_with("error: ")) << built.err;
  EXPECT_NE(built.err.find("Dockerfile:3: COPY --link is not supported by the "
                           "buildah backend"),
            std::string::npos)
      << built.err;
  EXPECT_TRUE(Events("instruction_started").empty()) << last_.out;
  EXPECT_TRUE(BuildahNames().empty())
      << ::testing::PrintToString(BuildahNames());
}

TEST_F(BuildahBackendTest, InterruptedBuildLeavesNothingBehind) {
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox:latest AS one\n"
               "RUN echo one > /one\n"
               "FROM zlayer-test/busybox:latest\n"
               "COPY --from=one /one /one\n"
               "RUN sleep 4713\n");
  std::string events = temp_.path() + "/events";
  auto child = base::ChildProcess::Spawn(
      {"sh", "-c",
       std::string("exec ") + ZLAYER_BINARY + " --root " + root_ +
           " build --backend buildah --progress=json -f " + context_ +
           "/Dockerfile " + context_ + " > " + events});
  ASSERT_TRUE(child) << child.error().message();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!AnyProcessWith("sleep 4713") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(AnyProcessWith("sleep 4713")) << ReadAllText(events);
  ASSERT_TRUE(child->Signal(SIGINT));
  auto waited = child->Wait();
  ASSERT_TRUE(waited);
  EXPECT_NE(waited->status.code, 0);
  EXPECT_NE(ReadAllText(events).find("build cancelled"), std::string::npos)
      << ReadAllText(events);
  EXPECT_FALSE(AnyProcessWith("sleep 4713")) << "the RUN outlived the build";
  EXPECT_TRUE(Leftovers().empty()) << ::testing::PrintToString(BuildahNames());
}

}  // namespace
}  // namespace zlayer::integration
