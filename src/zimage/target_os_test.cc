#include "zimage/target_os.h"

#include <gtest/gtest.h>

#include "zimage/parse.h"

namespace zlayer::zimage {
namespace {

ZImage MustParse(std::string_view text) {
  Result<ZImage> image = ParseZImagefile(text, "ZImagefile");
  EXPECT_TRUE(image) << image.error().message();
  return image ? *image : ZImage{};
}

TEST(TargetOsTest, OsOfPlatform) {
  EXPECT_EQ(OsOfPlatform("linux/arm64"), TargetOs::kLinux);
  EXPECT_EQ(OsOfPlatform("Windows/amd64"), TargetOs::kWindows);
  EXPECT_EQ(OsOfPlatform("windows"), TargetOs::kWindows);
  EXPECT_EQ(OsOfPlatform("amd64"), std::nullopt);
  EXPECT_EQ(OsOfPlatform("darwin/arm64"), std::nullopt);
}

TEST(TargetOsTest, ParseTargetOsTakesNamesAndPlatforms) {
  EXPECT_EQ(ParseTargetOs("linux").value(), TargetOs::kLinux);
  EXPECT_EQ(ParseTargetOs("Linux").value(), TargetOs::kLinux);
  EXPECT_EQ(ParseTargetOs("windows").value(), TargetOs::kWindows);
  EXPECT_EQ(ParseTargetOs("linux/amd64").value(), TargetOs::kLinux);
  EXPECT_EQ(ParseTargetOs("WINDOWS/arm64").value(), TargetOs::kWindows);
  auto darwin = ParseTargetOs("darwin/arm64");
  ASSERT_FALSE(darwin);
  EXPECT_EQ(darwin.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(darwin.error().message(),
            "unknown OS darwin (expected linux or windows); there are no "
            "macOS container images: on a Mac, build linux images");
  EXPECT_EQ(ParseTargetOs("amd64").error().message(),
            "unknown OS amd64 (expected linux or windows)");
  EXPECT_EQ(ParseTargetOs("").error().message(),
            "unknown OS \"\" (expected linux or windows)");
}

TEST(TargetOsTest, ResolutionOrder) {
  const ZImage both =
      MustParse("base: a\nos: windows\nplatform: linux/amd64\n");
  EXPECT_EQ(ResolveTargetOs(TargetOs::kLinux, &both), TargetOs::kLinux);
  EXPECT_EQ(ResolveTargetOs(std::nullopt, &both), TargetOs::kWindows);
  const ZImage platform = MustParse("base: a\nplatform: Windows/amd64\n");
  EXPECT_EQ(ResolveTargetOs(std::nullopt, &platform), TargetOs::kWindows);
  const ZImage arch_only = MustParse("base: a\nplatform: arm64\n");
  EXPECT_EQ(ResolveTargetOs(std::nullopt, &arch_only), TargetOs::kLinux);
  // Stage platforms and os do not steer the target OS (section 8).
  const ZImage stage = MustParse(
      "stages:\n  a:\n    base: x\n    os: windows\n"
      "    platform: windows/amd64\n");
  EXPECT_EQ(ResolveTargetOs(std::nullopt, &stage), TargetOs::kLinux);
  EXPECT_EQ(ResolveTargetOs(std::nullopt, nullptr), TargetOs::kLinux);
  EXPECT_EQ(ResolveTargetOs(TargetOs::kWindows, nullptr), TargetOs::kWindows);
  EXPECT_EQ(TargetOsName(TargetOs::kWindows), "windows");
  EXPECT_EQ(TargetOsName(TargetOs::kLinux), "linux");
}

}  // namespace
}  // namespace zlayer::zimage
