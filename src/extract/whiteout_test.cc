// Whiteouts, opaque directories and replacements across layers. The same
// scenarios are checked against umoci in umoci_compare_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "extract/extract.h"
#include "extract/tar_testing.h"

namespace zlayer::extract {
namespace {

using ::testing::ElementsAre;
using testing::ExtractFixture;
using testing::TarBuilder;

class WhiteoutTest : public ExtractFixture {
 protected:
  void ApplyOk(const TarBuilder& layer) {
    Result<ApplyResult> applied = Apply(layer.Finish());
    ASSERT_TRUE(applied) << applied.error().message();
  }
  TarBuilder Lower() {
    return TarBuilder()
        .Dir("a/")
        .File("a/f", "f")
        .File("a/g", "g")
        .Dir("d/")
        .Dir("d/x/")
        .File("d/x/y", "y");
  }
};

TEST_F(WhiteoutTest, DeletesAFileOrADirectory) {
  ApplyOk(Lower());
  ApplyOk(TarBuilder().Whiteout("a/.wh.f").Whiteout(".wh.d").Whiteout(
      "a/.wh.never-existed"));
  EXPECT_THAT(Names(), ElementsAre("a/", "a/g"));
}

TEST_F(WhiteoutTest, ReplacesADirectoryByAFileAndBack) {
  ApplyOk(Lower());
  ApplyOk(TarBuilder().File("d", "file now").Dir("a/f/").File("a/f/in", "i"));
  EXPECT_THAT(Names(), ElementsAre("a/", "a/f/", "a/f/in", "a/g", "d"));
  EXPECT_EQ(Read("d"), "file now");
}

TEST_F(WhiteoutTest, OpaqueMarkerBeforeSiblings) {
  ApplyOk(Lower());
  ApplyOk(TarBuilder().Dir("d/").Whiteout("d/.wh..wh..opq").File("d/new", "n"));
  EXPECT_THAT(Names(), ElementsAre("a/", "a/f", "a/g", "d/", "d/new"));
}

TEST_F(WhiteoutTest, OpaqueMarkerAfterSiblingsSparesThem) {
  ApplyOk(Lower().File("d/x/z", "lower z").File("d/old", "o"));
  ApplyOk(TarBuilder()
              .Dir("d/")
              .File("d/new", "n")
              .File("d/x/y", "upper y")
              .Whiteout("d/.wh..wh..opq"));
  // d/x survives as the parent of an upper entry; its lower child z not.
  EXPECT_THAT(Names(),
              ElementsAre("a/", "a/f", "a/g", "d/", "d/new", "d/x/", "d/x/y"));
  EXPECT_EQ(Read("d/x/y"), "upper y");
}

TEST_F(WhiteoutTest, WhiteoutOnlyHidesLowerLayers) {
  ApplyOk(Lower());
  // Same layer, entry before its whiteout: the entry stays.
  ApplyOk(TarBuilder().File("a/f", "upper f").Whiteout("a/.wh.f"));
  EXPECT_EQ(Read("a/f"), "upper f");
}

TEST_F(WhiteoutTest, RecreatesADeletedPath) {
  ApplyOk(Lower());
  ApplyOk(TarBuilder().Whiteout(".wh.d").Whiteout("a/.wh.f"));
  ApplyOk(TarBuilder().Dir("d/").File("d/again", "2").File("a/f", "new f"));
  EXPECT_THAT(Names(), ElementsAre("a/", "a/f", "a/g", "d/", "d/again"));
  EXPECT_EQ(Read("a/f"), "new f");
  // Deleting and recreating in one layer gives the same result.
  ApplyOk(TarBuilder().Whiteout(".wh.a").Dir("a/").File("a/only", "o"));
  EXPECT_THAT(Names(), ElementsAre("a/", "a/only", "d/", "d/again"));
}

TEST_F(WhiteoutTest, OpaqueRootAndAufsMetadata) {
  ApplyOk(Lower());
  ApplyOk(TarBuilder()
              .Whiteout(".wh..wh..opq")
              .Whiteout(".wh..wh.plnk")
              .File("kept", "k"));
  EXPECT_THAT(Names(), ElementsAre("kept"));
}

TEST_F(WhiteoutTest, FollowsLowerSymlinksInsideTheRoot) {
  ApplyOk(Lower().Symlink("link", "/a"));
  ApplyOk(TarBuilder().Whiteout("link/.wh.g"));
  EXPECT_THAT(Names(), ElementsAre("a/", "a/f", "d/", "d/x/", "d/x/y", "link"));
}

TEST_F(WhiteoutTest, KeepsParentTimesAsUmociDoes) {
  ApplyOk(TarBuilder()
              .Add({.name = "a/", .type = '5', .mode = 0755, .mtime = 1000})
              .File("a/f", "f")
              .File("a/g", "g"));
  ASSERT_EQ(Lstat("a").st_mtim.tv_sec, 1000);
  ApplyOk(TarBuilder().Whiteout("a/.wh.f").File("a/h", "h"));
  EXPECT_EQ(Lstat("a").st_mtim.tv_sec, 1000);
  EXPECT_THAT(Names(), ElementsAre("a/", "a/g", "a/h"));
}

TEST_F(WhiteoutTest, CountsWhiteouts) {
  ApplyOk(Lower());
  Result<ApplyResult> applied = Apply(
      TarBuilder().Whiteout("a/.wh.f").Whiteout("d/.wh..wh..opq").Finish());
  ASSERT_TRUE(applied);
  EXPECT_EQ(applied->entries, 2u);
  EXPECT_EQ(applied->whiteouts, 2u);
}

}  // namespace
}  // namespace zlayer::extract
