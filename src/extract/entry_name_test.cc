#include "extract/entry_name.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace zlayer::extract {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string CleanError(std::string_view raw, size_t depth = 512) {
  Result<PathComponents> cleaned = CleanRelativePath(raw, "path", depth);
  EXPECT_FALSE(cleaned.has_value()) << raw;
  if (cleaned) return "";
  EXPECT_EQ(cleaned.error().kind(), ErrorKind::kInvalid);
  return cleaned.error().message();
}

TEST(CleanRelativePathTest, CleansLikeTar) {
  EXPECT_THAT(*CleanRelativePath("./usr//bin/", "path", 8),
              ElementsAre("usr", "bin"));
  EXPECT_THAT(*CleanRelativePath("a/./b/../c", "path", 8),
              ElementsAre("a", "c"));
  EXPECT_TRUE(CleanRelativePath("./", "path", 8)->empty());
  EXPECT_TRUE(CleanRelativePath("a/..", "path", 8)->empty());
}

TEST(CleanRelativePathTest, RefusesEscapes) {
  EXPECT_THAT(CleanError("/etc/passwd"), HasSubstr("absolute path"));
  EXPECT_THAT(CleanError("../evil"), HasSubstr("climbs out of the root"));
  EXPECT_THAT(CleanError("a/../../evil"), HasSubstr("climbs out"));
  // Coming back down does not excuse having climbed out.
  EXPECT_THAT(CleanError("../root/x"), HasSubstr("climbs out"));
  EXPECT_THAT(CleanError(""), HasSubstr("empty path"));
}

TEST(CleanRelativePathTest, RefusesOversizedNames) {
  EXPECT_THAT(CleanError(std::string(5000, 'a')), HasSubstr("too long"));
  EXPECT_THAT(CleanError("a/" + std::string(256, 'b')),
              HasSubstr("component over 255 bytes"));
  EXPECT_THAT(CleanError("a/b/c/d", 3), HasSubstr("too deep (4 components"));
  EXPECT_TRUE(CleanRelativePath("a/" + std::string(255, 'b'), "path", 3));
}

TEST(ParseEntryNameTest, SplitsParentAndBase) {
  Result<EntryName> name = ParseEntryName("./usr/bin/env", 512);
  ASSERT_TRUE(name);
  EXPECT_THAT(name->parent, ElementsAre("usr", "bin"));
  EXPECT_EQ(name->base, "env");
  EXPECT_EQ(name->whiteout, WhiteoutKind::kNone);
  EXPECT_TRUE(ParseEntryName("./", 512)->is_root());
}

TEST(ParseEntryNameTest, RecognisesWhiteouts) {
  Result<EntryName> remove = ParseEntryName("etc/.wh.motd", 512);
  ASSERT_TRUE(remove);
  EXPECT_EQ(remove->whiteout, WhiteoutKind::kRemove);
  EXPECT_EQ(remove->whiteout_target, "motd");
  EXPECT_EQ(ParseEntryName("var/.wh..wh..opq", 512)->whiteout,
            WhiteoutKind::kOpaque);
  EXPECT_EQ(ParseEntryName(".wh..wh.plnk", 512)->whiteout,
            WhiteoutKind::kAufsMeta);
}

TEST(ParseEntryNameTest, RefusesMalformedWhiteouts) {
  for (std::string_view raw : {"a/.wh.", "a/.wh..", "a/.wh..."}) {
    Result<EntryName> name = ParseEntryName(raw, 512);
    ASSERT_FALSE(name) << raw;
    EXPECT_THAT(name.error().message(), HasSubstr("names no entry")) << raw;
  }
  Result<EntryName> as_dir = ParseEntryName("a/.wh.b/c", 512);
  ASSERT_FALSE(as_dir);
  EXPECT_THAT(as_dir.error().message(),
              HasSubstr("whiteout \".wh.b\" used as a directory"));
}

TEST(SymlinkTargetLeavesRootTest, JudgesFromTheLinkDirectory) {
  EXPECT_TRUE(SymlinkTargetLeavesRoot(3, "/etc/shadow"));
  EXPECT_FALSE(SymlinkTargetLeavesRoot(0, "usr/bin"));
  EXPECT_FALSE(SymlinkTargetLeavesRoot(2, "../../x"));
  EXPECT_TRUE(SymlinkTargetLeavesRoot(2, "../../../x"));
  EXPECT_TRUE(SymlinkTargetLeavesRoot(1, "a/../../.."));
  EXPECT_FALSE(SymlinkTargetLeavesRoot(0, "a/b/../../c"));
}

TEST(QuoteTest, KeepsMessagesOnOneLineAndShort) {
  EXPECT_EQ(Quote("usr/bin"), "\"usr/bin\"");
  EXPECT_EQ(Quote("a\nb\"c\\"), "\"a\\x0ab\\\"c\\\\\"");
  std::string quoted = Quote(std::string(300, 'x'));
  EXPECT_EQ(quoted, "\"" + std::string(256, 'x') + "\"... (300 bytes)");
}

TEST(SplitPathTest, KeepsDotsAndDropsEmptyComponents) {
  EXPECT_THAT(SplitPath("/a//../b/"), ElementsAre("a", "..", "b"));
  EXPECT_TRUE(SplitPath("").empty());
  EXPECT_EQ(JoinComponents({}), ".");
  EXPECT_EQ(JoinComponents({"a", "b"}), "a/b");
}

}  // namespace
}  // namespace zlayer::extract
