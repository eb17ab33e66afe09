#include "oci/descriptor.h"

#include <gtest/gtest.h>

#include "oci/media_types.h"

namespace zlayer::oci {
namespace {

constexpr char kHex[] =
    "6d4a8f2c2e8b7d1f0a9c3b5e7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f";

std::string DigestText() { return std::string("sha256:") + kHex; }

TEST(DescriptorTest, DescribeContentHashesAndMeasures) {
  Descriptor d = DescribeContent(kOciConfig, "{}");
  EXPECT_EQ(d.media_type, kOciConfig);
  EXPECT_EQ(d.size, 2);
  EXPECT_EQ(d.digest.ToString(),
            "sha256:"
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST(DescriptorTest, MinimalRoundTripIsCanonical) {
  std::string json =
      R"({"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
      DigestText() + R"(","size":1234})";
  auto d = ParseDescriptor(json);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->media_type, kOciLayerGzip);
  EXPECT_EQ(d->digest.ToString(), DigestText());
  EXPECT_EQ(d->size, 1234);
  EXPECT_EQ(SerializeDescriptor(*d), json);
}

TEST(DescriptorTest, EveryFieldRoundTrips) {
  Descriptor d;
  d.media_type = std::string(kOciManifest);
  d.digest = base::Digest::FromHex(kHex).value();
  d.size = int64_t{1} << 40;
  d.urls = {"https://example.com/a", "https://example.com/b"};
  d.annotations = {{"z", "last"}, {"a", "first"}};
  d.platform = Platform{"arm64", "linux", "10.0", {"win32k"}, "v8"};
  d.artifact_type = "application/vnd.example";
  std::string json = SerializeDescriptor(d);
  EXPECT_EQ(json,
            R"({"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
            R"("digest":")" +
                DigestText() +
                R"(","size":1099511627776,)"
                R"("urls":["https://example.com/a","https://example.com/b"],)"
                R"("annotations":{"a":"first","z":"last"},)"
                R"("platform":{"architecture":"arm64","os":"linux",)"
                R"("os.version":"10.0","os.features":["win32k"],)"
                R"("variant":"v8"},)"
                R"("artifactType":"application/vnd.example"})");
  EXPECT_EQ(ParseDescriptor(json).value(), d);
}

TEST(DescriptorTest, PlatformString) {
  EXPECT_EQ(PlatformString(Platform{"amd64", "linux"}), "linux/amd64");
  EXPECT_EQ(PlatformString(Platform{"arm", "linux", "", {}, "v7"}),
            "linux/arm/v7");
}

struct BadCase {
  std::string json;
  std::string message;
};

TEST(DescriptorTest, RejectsMalformedWithPreciseErrors) {
  std::string d = DigestText();
  std::string mt = R"("mediaType":"application/vnd.oci.image.layer.v1.tar")";
  std::vector<BadCase> cases = {
      {"[]", "descriptor: want an object, got array"},
      {"{", "descriptor: invalid JSON: "},
      {R"({"digest":")" + d + R"(","size":1})",
       "descriptor: mediaType: required field is missing"},
      {R"({"mediaType":"nonsense","digest":")" + d + R"(","size":1})",
       "descriptor: mediaType: invalid media type \"nonsense\""},
      {"{" + mt + R"(,"size":1})",
       "descriptor: digest: required field is missing"},
      {"{" + mt + R"(,"digest":"sha256:xyz","size":1})",
       "descriptor: digest: invalid digest \"sha256:xyz\""},
      {"{" + mt + R"(,"digest":")" + d + R"("})",
       "descriptor: size: required field is missing"},
      {"{" + mt + R"(,"digest":")" + d + R"(","size":-1})",
       "descriptor: size: negative size -1"},
      {"{" + mt + R"(,"digest":")" + d + R"(","size":1.5})",
       "descriptor: size: want an integer, got 1.5"},
      {"{" + mt + R"(,"digest":")" + d + R"(","size":"1"})",
       "descriptor: size: want an integer, got string"},
      {"{" + mt + R"(,"digest":")" + d + R"(","size":18446744073709551615})",
       "descriptor: size: number 18446744073709551615 is too large"},
      {"{" + mt + R"(,"digest":")" + d + R"(","size":1,"urls":[1]})",
       "descriptor: urls[0]: want a string, got number"},
      {"{" + mt + R"(,"digest":")" + d +
           R"(","size":1,"annotations":{"a":true}})",
       "descriptor: annotations.a: want a string, got boolean"},
      {"{" + mt + R"(,"digest":")" + d +
           R"(","size":1,"platform":{"os":"linux"}})",
       "descriptor: platform.architecture: required field is missing"},
      {"{" + mt + R"(,"digest":")" + d +
           R"(","size":1,"platform":{"os":"","architecture":"amd64"}})",
       "descriptor: platform.os: must not be empty"},
  };
  for (const BadCase& c : cases) {
    auto parsed = ParseDescriptor(c.json);
    ASSERT_FALSE(parsed) << c.json;
    EXPECT_EQ(parsed.error().message().substr(0, c.message.size()), c.message)
        << parsed.error().message();
    EXPECT_EQ(parsed.error().kind(), ErrorKind::kInvalid) << c.json;
  }
}

TEST(DescriptorTest, OtherDigestAlgorithmsAreUnsupported) {
  auto parsed =
      ParseDescriptor(R"({"mediaType":"a/b","digest":"sha512:abcd","size":1})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(parsed.error().message().rfind("descriptor: digest: ", 0), 0u);
}

TEST(DescriptorTest, NullOptionalMembersAreAbsent) {
  auto parsed = ParseDescriptor(
      R"({"mediaType":"a/b","digest":")" + DigestText() +
      R"(","size":0,"urls":null,"annotations":null,"platform":null})");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_TRUE(parsed->urls.empty());
  EXPECT_FALSE(parsed->platform);
}

}  // namespace
}  // namespace zlayer::oci
