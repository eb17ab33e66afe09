#include "store/image_name.h"

#include <gtest/gtest.h>

namespace zlayer::store {
namespace {

std::string Normalized(std::string_view name) {
  auto result = NormalizeTagName(name);
  EXPECT_TRUE(result) << name << ": " << result.error().message();
  return result.value_or("");
}

TEST(ImageNameTest, AddsLatestWhenUntagged) {
  EXPECT_EQ(Normalized("alpine"), "alpine:latest");
  EXPECT_EQ(Normalized("alpine:3.19"), "alpine:3.19");
  EXPECT_EQ(Normalized("library/alpine"), "library/alpine:latest");
  EXPECT_EQ(Normalized("localhost:5000/app"), "localhost:5000/app:latest");
  EXPECT_EQ(Normalized("localhost:5000/app:v1"), "localhost:5000/app:v1");
  EXPECT_EQ(Normalized("registry.example.com/a/b/c:x_Y.z-1"),
            "registry.example.com/a/b/c:x_Y.z-1");
  EXPECT_EQ(Normalized("docker.io/library/alpine"),
            "docker.io/library/alpine:latest");
  EXPECT_EQ(Normalized("[::1]:5000/app"), "[::1]:5000/app:latest");
  EXPECT_EQ(Normalized("a__b-c/d---e.f"), "a__b-c/d---e.f:latest");
  EXPECT_EQ(Normalized("Host.Example/app"), "Host.Example/app:latest");
}

TEST(ImageNameTest, RejectsInvalidNames) {
  struct Case {
    std::string_view name;
    std::string_view why;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", "empty repository name"},
           {":tag", "empty repository name"},
           {"Alpine", "repository name must be lowercase"},
           {"app:", "a tag must have 1 to 128 characters"},
           {"app:-x", "a tag must not start with '.' or '-'"},
           {"app:a/b", "invalid registry host"},
           {"app:a+b",
            "a tag may only contain letters, digits, '_', '.' and '-'"},
           {"a//b", "invalid repository name component"},
           {"a/", "invalid repository name component"},
           {"-a", "invalid repository name component"},
           {"a___b", "invalid repository name component"},
           {"a..b", "invalid repository name component"},
           {"host:port/app", "invalid registry host"},
           {"app@sha256:abcd", "a digest reference cannot name a tag"},
       }) {
    auto result = NormalizeTagName(c.name);
    ASSERT_FALSE(result) << c.name;
    EXPECT_EQ(result.error().kind(), ErrorKind::kInvalid);
    EXPECT_EQ(result.error().message(), "invalid image name \"" +
                                            std::string(c.name) +
                                            "\": " + std::string(c.why));
  }
  EXPECT_FALSE(NormalizeTagName("a:" + std::string(129, 'x')));
  EXPECT_TRUE(NormalizeTagName("a:" + std::string(128, 'x')));
  EXPECT_FALSE(NormalizeTagName(std::string(256, 'a')));
}

TEST(ImageNameTest, IdPrefixes) {
  EXPECT_EQ(IdHexPrefix("abcd"), "abcd");
  EXPECT_EQ(IdHexPrefix("sha256:a"), "a");
  EXPECT_EQ(IdHexPrefix(std::string(64, 'f')), std::string(64, 'f'));
  EXPECT_EQ(IdHexPrefix("abc"), std::nullopt);
  EXPECT_EQ(IdHexPrefix("sha256:"), std::nullopt);
  EXPECT_EQ(IdHexPrefix("ABCD"), std::nullopt);
  EXPECT_EQ(IdHexPrefix("abcg"), std::nullopt);
  EXPECT_EQ(IdHexPrefix(std::string(65, 'a')), std::nullopt);
}

TEST(ImageNameTest, DigestPart) {
  EXPECT_EQ(DigestPart("app@sha256:ab"), "sha256:ab");
  EXPECT_EQ(DigestPart("app:1"), std::nullopt);
}

}  // namespace
}  // namespace zlayer::store
