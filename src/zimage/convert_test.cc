#include "zimage/convert.h"

#include <gtest/gtest.h>

#include "zimage/parse.h"

namespace zlayer::zimage {
namespace {

ZImage MustParse(std::string_view text) {
  Result<ZImage> image = ParseZImagefile(text, "ZImagefile");
  EXPECT_TRUE(image) << image.error().message();
  return image ? *image : ZImage{};
}

TEST(ConvertTest, WasmIsUnsupported) {
  Result<std::string> r = ConvertToDockerfile(MustParse("wasm: {}\n"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(r.error().message(), "wasm builds are not supported yet");
}

TEST(ConvertTest, RuntimeModeNamesItsTemplateInstead) {
  const ZImage image = MustParse("runtime: Node22\n");
  EXPECT_EQ(RuntimeName(image), "Node22");
  Result<std::string> r = ConvertToDockerfile(image);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(RuntimeName(MustParse("base: a\n")), std::nullopt);
}

TEST(ConvertTest, BuildDirectiveWithoutBaseIsAPositionedError) {
  const ZImage image =
      MustParse("stages:\n  one:\n    base: a\n  two:\n    build: ./two\n");
  const std::vector<BuildRef> refs = BuildDirectives(image);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].name, "two");
  EXPECT_EQ(refs[0].directive->context, "./two");
  Result<std::string> r = ConvertToDockerfile(image);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "ZImagefile:5:5: the 'build' directive of stage 'two' has not "
            "been built (no base image was given for it)");
  ConvertOptions options;
  options.build_bases["two"] = "zlayer-build-dep-two:abc";
  EXPECT_EQ(*ConvertToDockerfile(image, options),
            "FROM a AS one\n\nFROM zlayer-build-dep-two:abc AS two\n");
}

TEST(ConvertTest, TopLevelBuildComesFirst) {
  const ZImage image = MustParse("build: {file: ZImagefile.base}\n");
  const std::vector<BuildRef> refs = BuildDirectives(image);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].name, kTopLevelBuild);
  EXPECT_FALSE(refs[0].directive->context);
  EXPECT_FALSE(ConvertToDockerfile(image));
}

TEST(ConvertTest, ShellCommandsTheParserWouldReadAsJsonAreRefused) {
  Result<std::string> r =
      ConvertToDockerfile(MustParse("base: a\ncmd: '[\"x\"]'\n"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "ZImagefile:2:6: this shell command cannot be written as a "
            "Dockerfile CMD line; use the list form");
}

TEST(ConvertTest, DefaultCacheMountsJoinEveryRun) {
  const ZImage image = MustParse(
      "base: a\nsteps:\n  - run: one\n  - run: [two]\n"
      "    cache: [{target: /c, id: own}]\n  - workdir: /w\n");
  ConvertOptions options;
  options.default_cache_mounts = {
      CacheMount{"/c", "default", CacheSharing::kLocked, false, {}},
      CacheMount{"/d", std::nullopt, CacheSharing::kShared, true, {}}};
  EXPECT_EQ(*ConvertToDockerfile(image, options),
            "FROM a\n"
            "RUN --mount=type=cache,target=/c,id=default "
            "--mount=type=cache,target=/d,sharing=shared,ro one\n"
            "RUN --mount=type=cache,target=/c,id=own "
            "--mount=type=cache,target=/d,sharing=shared,ro [\"two\"]\n"
            "WORKDIR /w\n");
}

TEST(ConvertTest, RuntimeSettingsNeedAFrom) {
  const ZImage image = MustParse("runtime: x\nargs: {A: b}\n");
  Result<std::string> r = ApplyRuntimeSettings("# no base\nRUN x\n", image);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "runtime template has no FROM instruction");
  EXPECT_EQ(*ApplyRuntimeSettings("FROM a", image), "ARG A=b\nFROM a\nARG A\n");
}

}  // namespace
}  // namespace zlayer::zimage
