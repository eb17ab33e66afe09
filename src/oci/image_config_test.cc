#include "oci/image_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zlayer::oci {
namespace {

using std::chrono::nanoseconds;

constexpr char kDiffId[] =
    "sha256:d4fc045c9e3a848011de66f34b81f052d4f2c15a17bb196d637e526349601820";

// The shape of docker.io/library/alpine's config as Docker Hub serves it,
// with the legacy members zlayer does not model.
constexpr char kDockerHubConfig[] =
    R"({"architecture":"amd64","config":{"Hostname":"","Env":)"
    R"(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],)"
    R"("Cmd":["/bin/sh"],"Image":"sha256:abc","Volumes":null,)"
    R"("WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null,)"
    R"("ArgsEscaped":true},"container":"4d1a","container_config":{},)"
    R"("created":"2024-01-27T00:30:48.743965523Z","docker_version":"20.10.23",)"
    R"("history":[{"created":"2024-01-27T00:30:48.624602109Z","created_by":)"
    R"("/bin/sh -c #(nop) ADD file:37a7 in / "},{"created":)"
    R"("2024-01-27T00:30:48.743965523Z","created_by":)"
    R"("/bin/sh -c #(nop)  CMD [\"/bin/sh\"]","empty_layer":true}],)"
    R"("os":"linux","rootfs":{"type":"layers","diff_ids":[")"
    "sha256:d4fc045c9e3a848011de66f34b81f052d4f2c15a17bb196d637e526349601820"
    R"("]}})";

ImageConfig FullConfig() {
  ImageConfig image;
  image.created = "2024-05-06T07:08:09.5Z";
  image.author = "someone";
  image.architecture = "arm";
  image.os = "linux";
  image.os_version = "6.1";
  image.os_features = {"f1"};
  image.variant = "v7";
  ContainerConfig& c = image.config;
  c.user = "1000:1000";
  c.exposed_ports = {"8080/tcp", "53/udp"};
  c.env = {"PATH=/bin", "A=b c"};
  c.entrypoint = {"/init"};
  c.cmd = {"serve", "--port=8080"};
  c.volumes = {"/data", "/cache"};
  c.working_dir = "/app";
  c.labels = {{"org.opencontainers.image.title", "t"}, {"b", "\u00e9"}};
  c.stop_signal = "SIGTERM";
  c.shell = {"/bin/bash", "-c"};
  c.healthcheck = HealthConfig{
      {"CMD-SHELL", "curl -f localhost"}, nanoseconds(30'000'000'000),
      nanoseconds(5'000'000'000),         nanoseconds(1'000'000'000),
      nanoseconds(500'000'000),           3};
  c.on_build = {"RUN make"};
  c.args_escaped = true;
  image.rootfs.diff_ids = {base::Digest::Parse(kDiffId).value()};
  image.history = {
      {"2024-05-06T07:08:09Z", "ADD rootfs.tar /", "me", "import", false},
      {"2024-05-06T07:08:09.5Z", "CMD [\"serve\"]", "", "", true}};
  return image;
}

TEST(ImageConfigTest, ParsesDockerHubConfig) {
  auto parsed = ParseImageConfig(kDockerHubConfig);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->architecture, "amd64");
  EXPECT_EQ(parsed->os, "linux");
  EXPECT_EQ(parsed->created, "2024-01-27T00:30:48.743965523Z");
  EXPECT_EQ(parsed->config.cmd, std::vector<std::string>{"/bin/sh"});
  EXPECT_TRUE(parsed->config.entrypoint.empty());
  EXPECT_TRUE(parsed->config.args_escaped);
  ASSERT_EQ(parsed->rootfs.diff_ids.size(), 1u);
  EXPECT_EQ(parsed->rootfs.diff_ids[0].ToString(), kDiffId);
  ASSERT_EQ(parsed->history.size(), 2u);
  EXPECT_FALSE(parsed->history[0].empty_layer);
  EXPECT_TRUE(parsed->history[1].empty_layer);
  EXPECT_EQ(parsed->history[1].created_by,
            "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]");
}

TEST(ImageConfigTest, SerializesInFixedOrderWithoutEmptyMembers) {
  ImageConfig image;
  image.architecture = "amd64";
  image.os = "linux";
  image.rootfs.diff_ids = {base::Digest::Parse(kDiffId).value()};
  EXPECT_EQ(SerializeImageConfig(image),
            std::string(R"({"architecture":"amd64","os":"linux","config":{},)"
                        R"("rootfs":{"type":"layers","diff_ids":[")") +
                kDiffId + R"("]}})");
}

TEST(ImageConfigTest, FullConfigGolden) {
  EXPECT_EQ(
      SerializeImageConfig(FullConfig()),
      std::string(
          R"({"created":"2024-05-06T07:08:09.5Z","author":"someone",)"
          R"("architecture":"arm","os":"linux","os.version":"6.1",)"
          R"("os.features":["f1"],"variant":"v7","config":{"User":"1000:1000",)"
          R"("ExposedPorts":{"53/udp":{},"8080/tcp":{}},)"
          R"("Env":["PATH=/bin","A=b c"],"Entrypoint":["/init"],)"
          R"("Cmd":["serve","--port=8080"],"Volumes":{"/cache":{},"/data":{}},)"
          R"("WorkingDir":"/app","Labels":{"b":"é",)"
          R"("org.opencontainers.image.title":"t"},"StopSignal":"SIGTERM",)"
          R"("ArgsEscaped":true,"Healthcheck":{"Test":["CMD-SHELL",)"
          R"("curl -f localhost"],"Interval":30000000000,"Timeout":5000000000,)"
          R"("StartPeriod":1000000000,"StartInterval":500000000,"Retries":3},)"
          R"("OnBuild":["RUN make"],"Shell":["/bin/bash","-c"]},)"
          R"("rootfs":{"type":"layers","diff_ids":[")") +
          kDiffId +
          R"("]},"history":[{"created":"2024-05-06T07:08:09Z",)"
          R"("created_by":"ADD rootfs.tar /","author":"me","comment":"import"},)"
          R"({"created":"2024-05-06T07:08:09.5Z","created_by":"CMD [\"serve\"]",)"
          R"("empty_layer":true}]})");
}

TEST(ImageConfigTest, EveryFieldRoundTrips) {
  ImageConfig image = FullConfig();
  std::string json = SerializeImageConfig(image);
  auto parsed = ParseImageConfig(json);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, image);
  EXPECT_EQ(SerializeImageConfig(*parsed), json);
}

TEST(ImageConfigTest, ReserializingIsStable) {
  auto parsed = ParseImageConfig(kDockerHubConfig);
  ASSERT_TRUE(parsed);
  std::string once = SerializeImageConfig(*parsed);
  EXPECT_EQ(SerializeImageConfig(ParseImageConfig(once).value()), once);
}

TEST(ImageConfigTest, InvalidUtf8IsReplacedNotFatal) {
  ImageConfig image = FullConfig();
  image.config.env.push_back(std::string("BAD=\xff"));
  std::string json = SerializeImageConfig(image);
  EXPECT_NE(json.find("BAD=\xef\xbf\xbd"), std::string::npos);
  EXPECT_TRUE(ParseImageConfig(json));
}

struct BadCase {
  std::string json;
  std::string message;
};

TEST(ImageConfigTest, RejectsMalformedWithPreciseErrors) {
  const std::string rootfs = R"("rootfs":{"type":"layers","diff_ids":[]})";
  const std::string base = R"("architecture":"amd64","os":"linux",)" + rootfs;
  std::vector<BadCase> cases = {
      {"null", "config: want an object, got null"},
      {R"({"os":"linux",)" + rootfs + "}",
       "config: architecture: required field is missing"},
      {R"({"architecture":"amd64",)" + rootfs + "}",
       "config: os: required field is missing"},
      {R"({"architecture":"amd64","os":"linux"})",
       "config: rootfs: required field is missing"},
      {R"({"architecture":"amd64","os":"linux","rootfs":{"type":"x"}})",
       "config: rootfs.type: unsupported type \"x\" (want layers)"},
      {R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers",)"
       R"("diff_ids":["sha256:1"]}})",
       "config: rootfs.diff_ids[0]: invalid digest \"sha256:1\""},
      {"{" + base + R"(,"created":"yesterday"})",
       "config: created: invalid timestamp \"yesterday\""},
      {"{" + base + R"(,"config":{"Env":"A=b"}})",
       "config: config.Env: want an array, got string"},
      {"{" + base + R"(,"config":{"Cmd":["a",2]}})",
       "config: config.Cmd[1]: want a string, got number"},
      {"{" + base + R"(,"config":{"ExposedPorts":{"80/tcp":1}}})",
       "config: config.ExposedPorts.80/tcp: want {}, got number"},
      {"{" + base + R"(,"config":{"Labels":{"a":1}}})",
       "config: config.Labels.a: want a string, got number"},
      {"{" + base + R"(,"config":{"ArgsEscaped":"yes"}})",
       "config: config.ArgsEscaped: want true or false, got string"},
      {"{" + base + R"(,"config":{"Healthcheck":{"Interval":"30s"}}})",
       "config: config.Healthcheck.Interval: want an integer, got string"},
      {"{" + base + R"(,"config":{"Healthcheck":{"Timeout":-1}}})",
       "config: config.Healthcheck.Timeout: negative duration -1"},
      {"{" + base + R"(,"config":{"Healthcheck":{"Retries":-2}}})",
       "config: config.Healthcheck.Retries: negative count -2"},
      {"{" + base + R"(,"history":[{"empty_layer":1}]})",
       "config: history[0].empty_layer: want true or false, got number"},
      {"{" + base + R"(,"history":[{"created":"2024"}]})",
       "config: history[0].created: invalid timestamp \"2024\""},
      {"{" + base + R"(,"history":{}})",
       "config: history: want an array, got object"},
      {"{" + base + R"(,"config":[]})",
       "config: config: want an object, got array"},
  };
  for (const BadCase& c : cases) {
    auto parsed = ParseImageConfig(c.json);
    ASSERT_FALSE(parsed) << c.json;
    EXPECT_EQ(parsed.error().message().substr(0, c.message.size()), c.message)
        << parsed.error().message();
    EXPECT_EQ(parsed.error().kind(), ErrorKind::kInvalid);
  }
}

TEST(ImageConfigTest, NullAndAbsentOptionalMembersAreEmpty) {
  auto parsed = ParseImageConfig(
      R"({"architecture":"amd64","os":"linux","config":null,"history":null,)"
      R"("rootfs":{"type":"layers","diff_ids":null}})");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->config, ContainerConfig{});
  EXPECT_TRUE(parsed->rootfs.diff_ids.empty());
  EXPECT_TRUE(parsed->history.empty());
}

}  // namespace
}  // namespace zlayer::oci
