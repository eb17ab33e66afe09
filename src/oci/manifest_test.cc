#include "oci/manifest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zlayer::oci {
namespace {

std::string Hex(char c) { return std::string(64, c); }
std::string DigestOf(char c) { return "sha256:" + Hex(c); }

Descriptor Blob(std::string_view media_type, char c, int64_t size) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = base::Digest::FromHex(Hex(c)).value();
  d.size = size;
  return d;
}

TEST(ManifestTest, DockerManifestGolden) {
  Manifest m = MakeManifest(Format::kDocker, Blob(kDockerConfig, 'c', 1469),
                            {Blob(kDockerLayerGzip, 'a', 3401613)});
  std::string json = SerializeManifest(m);
  EXPECT_EQ(json,
            R"({"schemaVersion":2,"mediaType":")" +
                std::string(kDockerManifest) + R"(","config":{"mediaType":")" +
                std::string(kDockerConfig) + R"(","digest":")" + DigestOf('c') +
                R"(","size":1469},"layers":[{"mediaType":")" +
                std::string(kDockerLayerGzip) + R"(","digest":")" +
                DigestOf('a') + R"(","size":3401613}]})");
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(ManifestFormat(*parsed), Format::kDocker);
}

TEST(ManifestTest, OciArtifactEveryFieldRoundTrips) {
  Manifest m = MakeManifest(
      Format::kOci, Blob(kOciEmpty, 'e', 2),
      {Blob(kOciLayerZstd, '1', 10), Blob("application/wasm", '2', 20)});
  m.artifact_type = "application/vnd.example.sbom";
  m.subject = Blob(kOciManifest, '5', 500);
  m.annotations = {{"org.opencontainers.image.created", "2024"}};
  m.layers[0].annotations = {{"k", "v"}};
  std::string json = SerializeManifest(m);
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(SerializeManifest(*parsed), json);
  EXPECT_EQ(ManifestFormat(*parsed), Format::kOci);
  // Key order of the OCI Go type.
  EXPECT_LT(json.find("\"schemaVersion\""), json.find("\"mediaType\""));
  EXPECT_LT(json.find("\"artifactType\""), json.find("\"config\""));
  EXPECT_LT(json.find("\"layers\""), json.find("\"subject\""));
  EXPECT_LT(json.find("\"subject\""), json.find("\"annotations\":{\"org"));
}

TEST(ManifestTest, MissingMediaTypeMeansOciAndStaysMissing) {
  std::string json = R"({"schemaVersion":2,"config":{"mediaType":")" +
                     std::string(kOciConfig) + R"(","digest":")" +
                     DigestOf('c') + R"(","size":2},"layers":[]})";
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_TRUE(parsed->media_type.empty());
  EXPECT_EQ(ManifestFormat(*parsed), Format::kOci);
  EXPECT_EQ(SerializeManifest(*parsed), json);
}

TEST(ManifestTest, SameManifestSameBytes) {
  Manifest a = MakeManifest(Format::kOci, Blob(kOciConfig, 'c', 7),
                            {Blob(kOciLayerGzip, 'a', 1)});
  a.annotations = {{"b", "2"}, {"a", "1"}};
  Manifest b = a;
  b.annotations.clear();
  b.annotations.emplace("a", "1");
  b.annotations.emplace("b", "2");
  EXPECT_EQ(SerializeManifest(a), SerializeManifest(b));
  EXPECT_EQ(SerializeManifest(a).find(' '), std::string::npos);
}

struct BadCase {
  std::string json;
  std::string message;
};

TEST(ManifestTest, RejectsMalformedWithPreciseErrors) {
  std::string config = R"("config":{"mediaType":"a/b","digest":")" +
                       DigestOf('c') + R"(","size":2})";
  std::string layer =
      R"({"mediaType":"a/b","digest":")" + DigestOf('a') + R"(","size":1})";
  std::vector<BadCase> cases = {
      {"", "manifest: invalid JSON: "},
      {"[1]", "manifest: want an object, got array"},
      {"{" + config + R"(,"layers":[]})",
       "manifest: schemaVersion: required field is missing"},
      {R"({"schemaVersion":1,)" + config + R"(,"layers":[]})",
       "manifest: schemaVersion: unsupported version 1 (want 2)"},
      {R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndex) +
           R"(",)" + config + R"(,"layers":[]})",
       "manifest: mediaType: \"application/vnd.oci.image.index.v1+json\" is "
       "not a manifest media type"},
      {R"({"schemaVersion":2,"layers":[]})",
       "manifest: config: required field is missing"},
      {R"({"schemaVersion":2,)" + config + "}",
       "manifest: layers: required field is missing"},
      {R"({"schemaVersion":2,)" + config + R"(,"layers":{}})",
       "manifest: layers: want an array, got object"},
      {R"({"schemaVersion":2,)" + config + R"(,"layers":[)" + layer + "," +
           layer + R"(,{"mediaType":"a/b","digest":"sha256:xyz","size":1}]})",
       "manifest: layers[2].digest: invalid digest \"sha256:xyz\""},
      {R"({"schemaVersion":2,)" + config + R"(,"layers":[)" + layer +
           R"(,{"mediaType":"a/b","digest":")" + DigestOf('b') + R"("}]})",
       "manifest: layers[1].size: required field is missing"},
      {R"({"schemaVersion":2,"config":{"mediaType":"a/b","size":2},)"
       R"("layers":[]})",
       "manifest: config.digest: required field is missing"},
      {R"({"schemaVersion":2,)" + config + R"(,"layers":[],"subject":5})",
       "manifest: subject: want an object, got number"},
      {R"({"schemaVersion":2,)" + config + R"(,"layers":[],"annotations":[]})",
       "manifest: annotations: want an object, got array"},
      {R"({"schemaVersion":2,"manifests":[]})",
       "manifest: this is an image index, not a manifest"},
  };
  for (const BadCase& c : cases) {
    auto parsed = ParseManifest(c.json);
    ASSERT_FALSE(parsed) << c.json;
    EXPECT_EQ(parsed.error().message().substr(0, c.message.size()), c.message)
        << parsed.error().message();
    EXPECT_EQ(parsed.error().kind(), ErrorKind::kInvalid);
  }
}

}  // namespace
}  // namespace zlayer::oci
