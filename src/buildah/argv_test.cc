#include "buildah/argv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace zlayer::buildah {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// The value after each occurrence of `flag`.
std::vector<std::string> Values(const std::vector<std::string>& args,
                                const std::string& flag) {
  std::vector<std::string> values;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) values.push_back(args[i + 1]);
  }
  return values;
}

TEST(NamesTest, StageImagesAndContainers) {
  EXPECT_EQ(StageImageName("0123abcd", "build", 0),
            "zlayer-build-0123abcd-stage-build");
  EXPECT_EQ(StageImageName("0123abcd", "", 2), "zlayer-build-0123abcd-stage-2");
  EXPECT_EQ(ContainerName("0123abcd", "stage-1"),
            "zlayer-build-0123abcd-stage-1");
}

TEST(QuotingTest, ConfigEnvDoublesDollars) {
  EXPECT_EQ(EscapeConfigEnvValue("plain"), "plain");
  EXPECT_EQ(EscapeConfigEnvValue("$5 and ${HOME}"), "$$5 and $${HOME}");
  EXPECT_EQ(EscapeConfigEnvValue("$$"), "$$$$");
}

TEST(QuotingTest, ShellWordsSingleQuotesEach) {
  EXPECT_EQ(ShellWords({"/bin/sh", "-c"}), "'/bin/sh' '-c'");
  EXPECT_EQ(ShellWords({"CMD-SHELL", "echo 'hi' $X"}),
            "'CMD-SHELL' 'echo '\\''hi'\\'' $X'");
  EXPECT_EQ(ShellWords({}), "");
}

TEST(QuotingTest, CsvFieldDoublesQuotes) {
  EXPECT_EQ(CsvField("RUN echo \"a, b\""), "\"RUN echo \"\"a, b\"\"\"");
}

TEST(QuotingTest, JsonArrayEscapes) {
  EXPECT_EQ(JsonArray({"echo", "a \"b\"\\", "\n"}),
            R"(["echo","a \"b\"\\","\n"])");
  EXPECT_EQ(JsonArray({}), "[]");
}

TEST(PathsTest, SourcesStayUnderTheirRoot) {
  EXPECT_EQ(CleanFromRoot("a/./b/"), "/a/b");
  EXPECT_EQ(CleanFromRoot("../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(CleanFromRoot("."), "/");
  EXPECT_EQ(ContextSource("/ctx", "src/*.c"), "/ctx/src/*.c");
  EXPECT_EQ(ContextSource("/ctx/", "/abs"), "/ctx/abs");
  EXPECT_EQ(ContextSource("/ctx", "../.."), "/ctx");
  EXPECT_EQ(ContextSource("/ctx", "."), "/ctx");
}

TEST(PathsTest, DestinationsAgainstWorkdir) {
  EXPECT_EQ(CopyDestination("/app", "file"), "/app/file");
  EXPECT_EQ(CopyDestination("/app", "sub/"), "/app/sub/");
  EXPECT_EQ(CopyDestination("/app", "."), "/app/");
  EXPECT_EQ(CopyDestination("", "x"), "/x");
  EXPECT_EQ(CopyDestination("/app", "/abs/"), "/abs/");
  EXPECT_EQ(CopyDestination("/app", "/"), "/");
  EXPECT_EQ(MountTarget("/w", "cache"), "/w/cache");
  EXPECT_EQ(MountTarget("/w", "/abs/"), "/abs");
  EXPECT_EQ(MountTarget("", "rel"), "/rel");
}

TEST(RunArgsTest, UserWorkdirEnvNetworkAndCommand) {
  RunSpec spec{.container = "c1",
               .argv = {"/bin/sh", "-c", "make $TARGET"},
               .env = {"PATH=/bin", "TARGET=all"}};
  auto args = RunArgs(spec);
  ASSERT_TRUE(args) << args.error().message();
  EXPECT_THAT(*args, ElementsAre("run", "--network", "host", "--user", "0:0",
                                 "--workingdir", "/", "--env", "PATH=/bin",
                                 "--env", "TARGET=all", "c1", "--", "/bin/sh",
                                 "-c", "make $TARGET"));
  spec.user = "app";
  spec.workdir = "/src";
  spec.network_none = true;
  args = RunArgs(spec);
  ASSERT_TRUE(args);
  EXPECT_THAT(Values(*args, "--user"), ElementsAre("app"));
  EXPECT_THAT(Values(*args, "--workingdir"), ElementsAre("/src"));
  EXPECT_THAT(Values(*args, "--network"), ElementsAre("none"));
}

TEST(RunArgsTest, MountsOfEachKind) {
  RunSpec spec{.container = "c1", .argv = {"true"}};
  spec.mounts.push_back(RunMount{.type = RunMount::Type::kBind,
                                 .source = "/ctx/src",
                                 .target = "/src",
                                 .read_only = true});
  spec.mounts.push_back(RunMount{.type = RunMount::Type::kBind,
                                 .source = "/out",
                                 .from = "abc123",
                                 .target = "/o",
                                 .read_only = true});
  spec.mounts.push_back(RunMount{.type = RunMount::Type::kCache,
                                 .target = "/root/.cache",
                                 .read_only = false,
                                 .id = "pip",
                                 .sharing = "locked",
                                 .mode = 0755,
                                 .uid = 1000,
                                 .gid = 1000});
  spec.mounts.push_back(RunMount{.type = RunMount::Type::kTmpfs,
                                 .target = "/tmp",
                                 .read_only = false,
                                 .tmpfs_size = 1048576});
  spec.mounts.push_back(RunMount{.type = RunMount::Type::kBind,
                                 .source = "/w/rw",
                                 .target = "/rw",
                                 .read_only = false});
  auto args = RunArgs(spec);
  ASSERT_TRUE(args) << args.error().message();
  EXPECT_THAT(
      Values(*args, "--mount"),
      ElementsAre(
          "type=bind,src=/ctx/src,target=/src,ro",
          "type=bind,from=abc123,src=/out,target=/o,ro",
          "type=cache,target=/root/.cache,id=pip,sharing=locked,mode=0755,"
          "uid=1000,gid=1000",
          "type=tmpfs,target=/tmp,tmpfs-size=1048576",
          "type=bind,src=/w/rw,target=/rw,rw"));
}

TEST(RunArgsTest, CommaInAMountPathIsRefused) {
  RunSpec spec{.container = "c1", .argv = {"true"}};
  spec.mounts.push_back(RunMount{
      .type = RunMount::Type::kBind, .source = "/ctx/a,b", .target = "/x"});
  auto args = RunArgs(spec);
  ASSERT_FALSE(args);
  EXPECT_EQ(args.error().kind(), ErrorKind::kUnsupported);
  EXPECT_THAT(args.error().message(),
              ::testing::HasSubstr("not supported by the buildah backend"));
}

TEST(CopyArgsTest, ContextCopyWithOwnerModeAndIgnoreFile) {
  CopySpec spec{.container = "c1",
                .sources = {"/ctx/a.txt", "/ctx/dir"},
                .dest = "/app/",
                .context_dir = "/ctx",
                .ignore_file = "/ctx/.dockerignore",
                .chown = "app:app",
                .chmod = "0640"};
  EXPECT_THAT(
      CopyArgs(spec),
      ElementsAre("copy", "--quiet", "--contextdir", "/ctx", "--ignorefile",
                  "/ctx/.dockerignore", "--chown", "app:app", "--chmod", "0640",
                  "c1", "/ctx/a.txt", "/ctx/dir", "/app/"));
}

TEST(CopyArgsTest, AddFromAnImage) {
  CopySpec spec{.add = true,
                .container = "c1",
                .sources = {"/out/bin"},
                .dest = "/usr/local/bin/",
                .from = "abc123"};
  EXPECT_THAT(CopyArgs(spec), ElementsAre("add", "--quiet", "--from", "abc123",
                                          "c1", "/out/bin", "/usr/local/bin/"));
}

TEST(ConfigArgsTest, SetsEveryTargetValue) {
  ConfigTarget target;
  oci::ContainerConfig& want = target.config;
  want.env = {"PATH=/bin", "PRICE=$5"};
  want.labels = {{"a", "1"}};
  want.exposed_ports = {"80/tcp"};
  want.volumes = {"/data"};
  want.entrypoint = {"/bin/echo"};
  want.cmd = {"hi there"};
  want.user = "app";
  want.working_dir = "/app";
  want.stop_signal = "SIGINT";
  want.shell = {"/bin/bash", "-c"};
  want.healthcheck = oci::HealthConfig{.test = {"CMD-SHELL", "curl -f x"},
                                       .interval = std::chrono::seconds(5),
                                       .retries = 2};
  want.on_build = {"RUN echo \"a, b\""};
  target.onbuild = true;
  target.author = "someone";
  target.created_by = "RUN make";
  std::vector<std::string> args = ConfigArgs({}, "", target);
  EXPECT_THAT(Values(args, "--env"), ElementsAre("PATH=/bin", "PRICE=$$5"));
  EXPECT_THAT(Values(args, "--label"), ElementsAre("a=1"));
  EXPECT_THAT(Values(args, "--port"), ElementsAre("80/tcp"));
  EXPECT_THAT(Values(args, "--volume"), ElementsAre("/data"));
  EXPECT_THAT(Values(args, "--entrypoint"), ElementsAre(R"(["/bin/echo"])"));
  EXPECT_THAT(Values(args, "--cmd"), ElementsAre(R"(["hi there"])"));
  EXPECT_THAT(Values(args, "--user"), ElementsAre("app"));
  EXPECT_THAT(Values(args, "--workingdir"), ElementsAre("/app"));
  EXPECT_THAT(Values(args, "--stop-signal"), ElementsAre("SIGINT"));
  EXPECT_THAT(Values(args, "--shell"), ElementsAre("'/bin/bash' '-c'"));
  EXPECT_THAT(Values(args, "--healthcheck"),
              ElementsAre("'CMD-SHELL' 'curl -f x'"));
  EXPECT_THAT(Values(args, "--healthcheck-interval"),
              ElementsAre("5000000000ns"));
  EXPECT_THAT(Values(args, "--healthcheck-timeout"), ElementsAre("0ns"));
  EXPECT_THAT(Values(args, "--healthcheck-start-period"), ElementsAre("0ns"));
  EXPECT_THAT(Values(args, "--healthcheck-retries"), ElementsAre("2"));
  EXPECT_THAT(Values(args, "--onbuild"),
              ElementsAre("\"RUN echo \"\"a, b\"\"\""));
  EXPECT_THAT(Values(args, "--author"), ElementsAre("someone"));
  EXPECT_THAT(Values(args, "--created-by"), ElementsAre("RUN make"));
}

TEST(ConfigArgsTest, RemovesWhatOnlyTheBaseHad) {
  oci::ContainerConfig base;
  base.env = {"PATH=/bin", "OLD=1"};
  base.labels = {{"gone", "x"}, {"kept", "y"}};
  base.exposed_ports = {"22/tcp"};
  base.volumes = {"/old"};
  base.cmd = {"sh"};
  base.user = "nobody";
  base.healthcheck = oci::HealthConfig{.test = {"NONE"}};
  ConfigTarget target;
  target.config.env = {"PATH=/bin"};
  target.config.labels = {{"kept", "y"}};
  std::vector<std::string> args = ConfigArgs(base, "", target);
  EXPECT_THAT(Values(args, "--env"), ElementsAre("OLD-", "PATH=/bin"));
  EXPECT_THAT(Values(args, "--label"), ElementsAre("gone-", "kept=y"));
  EXPECT_THAT(Values(args, "--port"), ElementsAre("22/tcp-"));
  EXPECT_THAT(Values(args, "--volume"), ElementsAre("/old-"));
  EXPECT_THAT(Values(args, "--cmd"), ElementsAre("[]"));
  EXPECT_THAT(Values(args, "--user"), ElementsAre(""));
  EXPECT_THAT(Values(args, "--healthcheck"), ElementsAre(""));
  EXPECT_THAT(Values(args, "--entrypoint"), ElementsAre());
  EXPECT_THAT(Values(args, "--author"), ElementsAre());
}

TEST(ConfigArgsTest, OnbuildOnlyForTheBuildsImage) {
  ConfigTarget target;
  target.config.on_build = {"RUN true"};
  EXPECT_THAT(Values(ConfigArgs({}, "", target), "--onbuild"), ElementsAre());
}

TEST(ConfigArgsTest, PlatformOfTheStage) {
  ConfigTarget target;
  target.platform =
      oci::Platform{.architecture = "arm64", .os = "linux", .variant = "v8"};
  std::vector<std::string> args = ConfigArgs({}, "", target);
  EXPECT_THAT(Values(args, "--os"), ElementsAre("linux"));
  EXPECT_THAT(Values(args, "--arch"), ElementsAre("arm64"));
  EXPECT_THAT(Values(args, "--variant"), ElementsAre("v8"));
}

TEST(CommitArgsTest, FormatSquashTimestampAndName) {
  EXPECT_THAT(
      CommitArgs({.container = "c1",
                  .image = "app:v1",
                  .docker_format = true,
                  .squash = true,
                  .timestamp = 1700000000,
                  .iidfile = "/w/iid"}),
      ElementsAreArray({"commit", "--quiet", "--identity-label=false",
                        "--format", "docker", "--squash", "--timestamp",
                        "1700000000", "--iidfile", "/w/iid", "c1", "app:v1"}));
  EXPECT_THAT(CommitArgs({.container = "c1"}),
              ElementsAre("commit", "--quiet", "--identity-label=false",
                          "--format", "oci", "c1"));
}

}  // namespace
}  // namespace zlayer::buildah
