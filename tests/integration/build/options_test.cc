// Build options end to end: --squash, --format, --retries, --iidfile,
// --output types, --target, --layers=false, and refused options.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/integration/build/build_fixture.h"

namespace zlayer::integration {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

class OptionsTest : public BuildFixture {
 protected:
  void SetUp() override {
    BuildFixture::SetUp();
    WriteContext("Dockerfile",
                 "FROM zlayer-test/busybox AS base\n"
                 "RUN echo one > /one\n"
                 "RUN echo two > /two\n"
                 "HEALTHCHECK --interval=5s CMD true\n"
                 "FROM base AS final\n"
                 "RUN echo three > /three\n");
  }
};

TEST_F(OptionsTest, SquashMakesOneLayer) {
  ASSERT_EQ(Build({"--squash", "-t", "squashed"}).exit_code, 0) << last_.err;
  CommandResult layout =
      RunZlayer(root_, {"export", "squashed", "--format", "oci", "-o",
                        temp_.path() + "/layout"});
  ASSERT_EQ(layout.exit_code, 0) << layout.err;
  std::vector<std::string> layers =
      SkopeoLayers("oci:" + temp_.path() + "/layout:latest");
  EXPECT_EQ(layers.size(), 1u);
  ASSERT_EQ(Build({"-t", "layered"}).exit_code, 0) << last_.err;
  RunZlayer(root_, {"export", "layered", "--format", "oci", "-o",
                    temp_.path() + "/layout2"});
  EXPECT_EQ(SkopeoLayers("oci:" + temp_.path() + "/layout2:latest").size(), 4u);
}

TEST_F(OptionsTest, DockerFormatKeepsTheHealthcheckOciDropsItWithAWarning) {
  ASSERT_EQ(Build({"--format", "docker", "-t", "d"}).exit_code, 0) << last_.err;
  std::string docker = RunZlayer(root_, {"inspect", "d"}).out;
  EXPECT_NE(docker.find("application/vnd.docker.distribution.manifest.v2"),
            std::string::npos)
      << docker;
  EXPECT_NE(docker.find("Healthcheck"), std::string::npos) << docker;
  ASSERT_EQ(Build({"-t", "o"}).exit_code, 0) << last_.err;
  EXPECT_NE(last_.err.find("HEALTHCHECK is not supported for OCI"),
            std::string::npos)
      << last_.err;
  std::string oci = RunZlayer(root_, {"inspect", "o"}).out;
  EXPECT_EQ(oci.find("Healthcheck"), std::string::npos) << oci;
}

TEST_F(OptionsTest, RetriesRerunAFlakyStep) {
  // Fails on its first run, succeeds on the second: the cache mount keeps
  // the count across attempts.
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox\n"
               "RUN --mount=type=cache,target=/c "
               "echo x >> /c/n && test $(wc -l < /c/n) -ge 2\n");
  EXPECT_NE(Build().exit_code, 0);
  CommandResult prune = RunZlayer(root_, {"cache", "prune", "--all"});
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  EXPECT_EQ(Build({"--retries", "1"}).exit_code, 0) << last_.err;
}

TEST_F(OptionsTest, IidfileAndOutputs) {
  std::string iid = temp_.path() + "/iid";
  ASSERT_EQ(
      Build({"--iidfile", iid, "-o", "type=oci,dest=" + temp_.path() + "/oci",
             "-o", "type=oci-archive,dest=" + temp_.path() + "/oci.tar", "-o",
             "type=docker-archive,dest=" + temp_.path() + "/docker.tar", "-o",
             "type=local,dest=" + temp_.path() + "/rootfs"})
          .exit_code,
      0)
      << last_.err;
  EXPECT_EQ(ReadText(iid), ImageId());
  EXPECT_EQ(ReadText(temp_.path() + "/rootfs/three"), "three\n");
  EXPECT_TRUE(std::filesystem::exists(temp_.path() + "/rootfs/bin/busybox"));
  for (const std::string& ref :
       {"oci:" + temp_.path() + "/oci",
        "oci-archive:" + temp_.path() + "/oci.tar",
        "docker-archive:" + temp_.path() + "/docker.tar"}) {
    CommandResult inspect = RunCommand({"skopeo", "inspect", ref});
    EXPECT_EQ(inspect.exit_code, 0) << ref << ": " << inspect.err;
  }
}

TEST_F(OptionsTest, TargetStopsAtTheNamedStage) {
  ASSERT_EQ(Build({"--target", "base", "-o",
                   "type=local,dest=" + temp_.path() + "/base"})
                .exit_code,
            0)
      << last_.err;
  EXPECT_TRUE(std::filesystem::exists(temp_.path() + "/base/two"));
  EXPECT_FALSE(std::filesystem::exists(temp_.path() + "/base/three"));
  CommandResult missing = Build({"--target", "nope"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope"), std::string::npos) << missing.err;
}

TEST_F(OptionsTest, LayersFalseNeitherReadsNorWritesTheCache) {
  ASSERT_EQ(Build({"--layers=false"}).exit_code, 0) << last_.err;
  ASSERT_EQ(Build({"--layers=false"}).exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "MMM");
  ASSERT_EQ(Build().exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "MMM");
}

TEST_F(OptionsTest, UnbuiltFeaturesAreRefusedNotIgnored) {
  struct Refusal {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Refusal> refusals = {
      {{"--cache-from", "reg/x"}, "--cache-from"},
      {{"--runtime", "wasm"}, "wasm builds"},
      {{"--platform", "linux/amd64,linux/arm64"}, "multi-platform"},
  };
  for (const Refusal& refusal : refusals) {
    CommandResult built = Build(refusal.args);
    EXPECT_EQ(built.exit_code, 1) << refusal.args[0];
    EXPECT_NE(built.err.find("not supported"), std::string::npos) << built.err;
    EXPECT_NE(built.err.find(refusal.message), std::string::npos) << built.err;
  }
  CommandResult images = RunZlayer(root_, {"images", "--format", "json"});
  EXPECT_EQ(images.out.find("<none>"), std::string::npos);
}

TEST_F(OptionsTest, BadFlagsAreUsageErrors) {
  EXPECT_EQ(Build({"--progress=fancy"}).exit_code, 2);
  EXPECT_EQ(Build({"--format=tar"}).exit_code, 2);
  EXPECT_EQ(Build({"--backend=podman"}).exit_code, 2);
  EXPECT_EQ(Build({"-o", "type=tarball,dest=x"}).exit_code, 2);
  EXPECT_EQ(Build({"--cache-ttl", "soon"}).exit_code, 2);
}

TEST_F(OptionsTest, RunPassesTheExitCodeAndUsesTheImageConfig) {
  WriteContext(
      "Dockerfile",
      "FROM zlayer-test/busybox\n"
      "ENV GREETING=hi\n"
      "WORKDIR /work\n"
      "CMD [\"sh\", \"-c\", \"echo $GREETING from $(pwd); exit 3\"]\n");
  ASSERT_EQ(Build({"-t", "runme"}).exit_code, 0) << last_.err;
  CommandResult run = RunZlayer(root_, {"run", "--rm", "runme"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "hi from /work\n");
  CommandResult override_cmd =
      RunZlayer(root_, {"run", "runme", "sh", "-c", "id -u; ls -d /work"});
  EXPECT_EQ(override_cmd.exit_code, 0) << override_cmd.err;
  EXPECT_EQ(override_cmd.out, "0\n/work\n");
}

}  // namespace
}  // namespace zlayer::integration
