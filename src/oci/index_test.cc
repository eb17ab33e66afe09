#include "oci/index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zlayer::oci {
namespace {

std::string Hex(char c) { return std::string(64, c); }

Descriptor Entry(std::string_view media_type, char c,
                 std::optional<Platform> platform) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = base::Digest::FromHex(Hex(c)).value();
  d.size = 100;
  d.platform = std::move(platform);
  return d;
}

TEST(IndexTest, DockerManifestListRoundTrips) {
  Index index = MakeIndex(Format::kDocker);
  index.manifests = {
      Entry(kDockerManifest, 'a', Platform{"amd64", "linux"}),
      Entry(kDockerManifest, 'b', Platform{"arm64", "linux", "", {}, "v8"})};
  std::string json = SerializeIndex(index);
  EXPECT_EQ(json.rfind(R"({"schemaVersion":2,"mediaType":")" +
                           std::string(kDockerManifestList) +
                           R"(","manifests":[{"mediaType":)",
                       0),
            0u);
  auto parsed = ParseIndex(json);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, index);
  EXPECT_EQ(IndexFormat(*parsed), Format::kDocker);
}

TEST(IndexTest, OciLayoutIndexEveryFieldRoundTrips) {
  Index index = MakeIndex(Format::kOci);
  Descriptor entry = Entry(kOciManifest, 'a', std::nullopt);
  entry.annotations = {{std::string(kRefNameAnnotation), "latest"}};
  index.manifests = {entry};
  index.artifact_type = "application/vnd.example";
  index.subject = Entry(kOciManifest, '5', std::nullopt);
  index.annotations = {{"a", "b"}};
  std::string json = SerializeIndex(index);
  auto parsed = ParseIndex(json);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, index);
  EXPECT_EQ(SerializeIndex(*parsed), json);
  EXPECT_EQ(IndexFormat(*parsed), Format::kOci);
}

TEST(IndexTest, EmptyIndexKeepsManifestsArray) {
  Index index;
  EXPECT_EQ(SerializeIndex(index), R"({"schemaVersion":2,"manifests":[]})");
  auto parsed = ParseIndex(R"({"schemaVersion":2,"manifests":[]})");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->manifests.empty());
  EXPECT_EQ(IndexFormat(*parsed), Format::kOci);
}

struct BadCase {
  std::string json;
  std::string message;
};

TEST(IndexTest, RejectsMalformedWithPreciseErrors) {
  std::string entry =
      R"({"mediaType":"a/b","digest":"sha256:)" + Hex('a') + R"(","size":1})";
  std::vector<BadCase> cases = {
      {"{]", "index: invalid JSON: "},
      {R"({"manifests":[]})", "index: schemaVersion: required field"},
      {R"({"schemaVersion":"2","manifests":[]})",
       "index: schemaVersion: want an integer, got string"},
      {R"({"schemaVersion":2})", "index: manifests: required field"},
      {R"({"schemaVersion":2,"mediaType":")" + std::string(kOciManifest) +
           R"(","manifests":[]})",
       "index: mediaType: \"application/vnd.oci.image.manifest.v1+json\" is "
       "not an index media type"},
      {R"({"schemaVersion":2,"mediaType":")" +
           std::string(kDockerManifestList) + R"(","manifests":[)" + entry +
           "]}",
       "index: manifests[0].platform: required field is missing"},
      {R"({"schemaVersion":2,"manifests":[)" + entry + R"(,{"size":1}]})",
       "index: manifests[1].mediaType: required field is missing"},
      {R"({"schemaVersion":2,"manifests":[{"mediaType":"a/b","digest":)"
       R"("sha256:)" +
           Hex('a') + R"(","size":1,"platform":{"architecture":"amd64"}}]})",
       "index: manifests[0].platform.os: required field is missing"},
      {R"({"schemaVersion":2,"config":{},"layers":[]})",
       "index: this is an image manifest, not an index"},
  };
  for (const BadCase& c : cases) {
    auto parsed = ParseIndex(c.json);
    ASSERT_FALSE(parsed) << c.json;
    EXPECT_EQ(parsed.error().message().substr(0, c.message.size()), c.message)
        << parsed.error().message();
    EXPECT_EQ(parsed.error().kind(), ErrorKind::kInvalid);
  }
}

}  // namespace
}  // namespace zlayer::oci
