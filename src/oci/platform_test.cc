#include "oci/platform.h"

#include <gtest/gtest.h>

#include <string_view>

namespace zlayer::oci {
namespace {

Platform Parsed(std::string_view text) {
  auto platform = ParsePlatform(text);
  EXPECT_TRUE(platform) << text << ": " << platform.error().message();
  return platform ? *platform : Platform{};
}

TEST(PlatformsTest, ParseNormalizes) {
  EXPECT_EQ(Parsed("linux/amd64"),
            (Platform{.architecture = "amd64", .os = "linux"}));
  EXPECT_EQ(Parsed("Linux/x86_64"),
            (Platform{.architecture = "amd64", .os = "linux"}));
  EXPECT_EQ(Parsed("linux/aarch64"),
            (Platform{.architecture = "arm64", .os = "linux"}));
  EXPECT_EQ(
      Parsed("linux/arm64/v8"),
      (Platform{.architecture = "arm64", .os = "linux", .variant = "v8"}));
  EXPECT_EQ(Parsed("linux/arm"),
            (Platform{.architecture = "arm", .os = "linux"}));
  EXPECT_EQ(Parsed("linux/arm/7"),
            (Platform{.architecture = "arm", .os = "linux", .variant = "v7"}));
  EXPECT_EQ(Parsed("arm64").architecture, "arm64");
  EXPECT_EQ(Parsed("arm64").os, "linux");
  EXPECT_EQ(Parsed("windows(10.0.17763)/amd64").os_version, "10.0.17763");
  EXPECT_EQ(Parsed("linux").architecture, HostPlatform().architecture);
  EXPECT_FALSE(ParsePlatform("nonsense"));
  EXPECT_FALSE(ParsePlatform("linux/a/b/c"));
  EXPECT_FALSE(ParsePlatform("linux/*"));
}

TEST(PlatformsTest, Format) {
  Platform p{.architecture = "arm", .os = "linux", .variant = "v7"};
  EXPECT_EQ(FormatPlatform(p), "linux/arm/v7");
  Platform versioned{
      .architecture = "arm", .os = "linux", .os_version = "1", .variant = "v7"};
  EXPECT_EQ(FormatPlatformAll(versioned), "linux(1)/arm/v7");
  EXPECT_EQ(FormatPlatform(Platform{}), "unknown");
  EXPECT_EQ(HostPlatform().os, "linux");
}

TEST(PlatformsTest, RunsOnHost) {
  Platform host = HostPlatform();
  EXPECT_TRUE(RunsOnHost(host));
  Platform any_variant = host;
  any_variant.variant.clear();
  EXPECT_TRUE(RunsOnHost(any_variant));
  Platform other = host;
  other.architecture = host.architecture == "s390x" ? "amd64" : "s390x";
  EXPECT_FALSE(RunsOnHost(other));
  Platform windows = host;
  windows.os = "windows";
  EXPECT_FALSE(RunsOnHost(windows));
}

}  // namespace
}  // namespace zlayer::oci
