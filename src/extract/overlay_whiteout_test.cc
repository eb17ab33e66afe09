// ExtractOptions::overlay_whiteouts: layers unpacked as overlayfs lower
// layers, checked on disk and through a real overlay mount. Needs root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "extract/extract.h"
#include "extract/tar_testing.h"

namespace zlayer::extract {
namespace {

using ::testing::ElementsAre;
using testing::ExtractFixture;
using testing::SnapshotTree;
using testing::TarBuilder;

class OverlayWhiteoutTest : public ExtractFixture {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (mknod, trusted.*)";
    ExtractFixture::SetUp();
    layer_ = base_.path() + "/layer";
    ASSERT_EQ(::mkdir(layer_.c_str(), 0755), 0);
  }
  void TearDown() override {
    if (!merged_.empty()) ::umount2(merged_.c_str(), MNT_DETACH);
  }

  // The lower layer, applied normally into root_.
  void ApplyLower(const TarBuilder& layer) {
    Result<ApplyResult> applied = Apply(layer.Finish());
    ASSERT_TRUE(applied) << applied.error().message();
  }
  // The upper layer into its own empty directory, overlay style.
  Result<ApplyResult> ApplyOverlay(const TarBuilder& layer) {
    ExtractOptions options;
    options.overlay_whiteouts = true;
    return ApplyLayer(LayerSource::Path(WriteLayer(layer.Finish())), layer_,
                      options);
  }
  void ApplyOverlayOk(const TarBuilder& layer) {
    Result<ApplyResult> applied = ApplyOverlay(layer);
    ASSERT_TRUE(applied) << applied.error().message();
  }

  bool IsWhiteoutDevice(const std::string& relative) const {
    struct stat st;
    if (::lstat((layer_ + "/" + relative).c_str(), &st) != 0) return false;
    return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0) &&
           st.st_uid == 0 && st.st_gid == 0;
  }
  std::string Opaque(const std::string& relative) const {
    char value[16];
    ssize_t n = ::lgetxattr((layer_ + "/" + relative).c_str(),
                            "trusted.overlay.opaque", value, sizeof(value));
    return n < 0 ? "" : std::string(value, static_cast<size_t>(n));
  }

  // Mounts the layer over root_ read-only in a private mount namespace and
  // returns the merged view's names, as Names() lists root_.
  std::vector<std::string> MergedNames() {
    // The namespace keeps the test's mount off the host even if it dies.
    EXPECT_EQ(::unshare(CLONE_NEWNS), 0) << std::strerror(errno);
    EXPECT_EQ(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0)
        << std::strerror(errno);
    merged_ = base_.path() + "/merged";
    EXPECT_EQ(::mkdir(merged_.c_str(), 0755), 0);
    std::string options = "lowerdir=" + layer_ + ":" + root_;
    if (::mount("overlay", merged_.c_str(), "overlay", MS_RDONLY,
                options.c_str()) != 0) {
      ADD_FAILURE() << "mount overlay: " << std::strerror(errno);
      merged_.clear();
      return {};
    }
    std::vector<std::string> names;
    for (const auto& [path, line] : SnapshotTree(merged_)) {
      names.push_back(path.substr(1) + (line.starts_with("04") ? "/" : ""));
    }
    return names;
  }

  std::string layer_;
  std::string merged_;
};

TEST_F(OverlayWhiteoutTest, WritesDevicesAndOpaqueDirsAndDeletesNothing) {
  ApplyLower(TarBuilder()
                 .Dir("a/")
                 .File("a/f", "f")
                 .File("a/g", "g")
                 .Dir("d/")
                 .File("d/y", "y")
                 .Dir("e/")
                 .File("e/old", "o"));
  auto lower_before = SnapshotTree(root_);
  Result<ApplyResult> applied = ApplyOverlay(TarBuilder()
                                                 .Dir("a/")
                                                 .Whiteout("a/.wh.f")
                                                 .Whiteout(".wh.d")
                                                 .Dir("e/")
                                                 .Whiteout("e/.wh..wh..opq")
                                                 .File("e/new", "n"));
  ASSERT_TRUE(applied) << applied.error().message();
  EXPECT_EQ(applied->whiteouts, 3u);
  EXPECT_EQ(SnapshotTree(root_), lower_before);
  EXPECT_TRUE(IsWhiteoutDevice("a/f"));
  EXPECT_TRUE(IsWhiteoutDevice("d"));
  EXPECT_EQ(Opaque("e"), "y");
  EXPECT_EQ(Opaque("a"), "");
  std::vector<std::string> in_layer;
  for (const auto& [path, line] : SnapshotTree(layer_)) {
    in_layer.push_back(path.substr(1));
  }
  EXPECT_THAT(in_layer, ElementsAre("a", "a/f", "d", "e", "e/new"));

  EXPECT_THAT(MergedNames(), ElementsAre("a/", "a/g", "e/", "e/new"));
}

TEST_F(OverlayWhiteoutTest, WhiteoutsInsideTheLayerHideOnlyLowerLayers) {
  ApplyLower(TarBuilder()
                 .Dir("d/")
                 .File("d/old", "o")
                 .Dir("p/")
                 .File("p/old", "o")
                 .Dir("q/")
                 .File("q/old", "o")
                 .File("f", "lower f"));
  // d: deleted, then recreated; p: created, then whited out; q: deleted,
  // then a child written (the parent comes back implicitly); f: written,
  // then whited out (the upper file stays).
  ApplyOverlayOk(TarBuilder()
                     .Whiteout(".wh.d")
                     .Dir("d/")
                     .File("d/new", "n")
                     .Dir("p/")
                     .File("p/new", "n")
                     .Whiteout(".wh.p")
                     .Whiteout(".wh.q")
                     .File("q/new", "n")
                     .File("f", "upper f")
                     .Whiteout(".wh.f"));
  EXPECT_EQ(Opaque("d"), "y");
  EXPECT_EQ(Opaque("p"), "y");
  EXPECT_EQ(Opaque("q"), "y");
  EXPECT_EQ(base::ReadFile(layer_ + "/f").value_or(""), "upper f");

  // The same result as applying the layer onto the lower one.
  EXPECT_THAT(MergedNames(),
              ElementsAre("d/", "d/new", "f", "p/", "p/new", "q/", "q/new"));
  base::TempDir applied = base::TempDir::Create().value();
  ExtractOptions plain;
  for (const std::string& lower : {std::string("1"), std::string("2")}) {
    ASSERT_TRUE(ApplyLayer(LayerSource::Path(layers_.path() + "/layer" + lower),
                           applied.path(), plain));
  }
  std::vector<std::string> names;
  for (const auto& [path, line] : SnapshotTree(applied.path())) {
    names.push_back(path.substr(1) + (line.starts_with("04") ? "/" : ""));
  }
  EXPECT_THAT(names,
              ElementsAre("d/", "d/new", "f", "p/", "p/new", "q/", "q/new"));
}

TEST_F(OverlayWhiteoutTest, OverlayXattrsFromTheLayerAreDropped) {
  ApplyOverlayOk(TarBuilder().Add(
      {.name = "x/",
       .type = '5',
       .mode = 0755,
       .pax = {{"SCHILY.xattr.trusted.overlay.opaque", "y"},
               {"SCHILY.xattr.trusted.overlay.redirect", "/etc"},
               {"SCHILY.xattr.user.kept", "1"}}}));
  EXPECT_EQ(Opaque("x"), "");
  char value[8];
  EXPECT_EQ(::lgetxattr((layer_ + "/x").c_str(), "trusted.overlay.redirect",
                        value, sizeof(value)),
            -1);
  EXPECT_EQ(
      ::lgetxattr((layer_ + "/x").c_str(), "user.kept", value, sizeof(value)),
      1);
}

TEST_F(OverlayWhiteoutTest, KeepsDirectoryTimesAndNeedsPrivileges) {
  ApplyOverlayOk(
      TarBuilder()
          .Add({.name = "a/", .type = '5', .mode = 0555, .mtime = 1000})
          .Whiteout("a/.wh.gone"));
  EXPECT_TRUE(IsWhiteoutDevice("a/gone"));
  struct stat st;
  ASSERT_EQ(::lstat((layer_ + "/a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1000);
  EXPECT_EQ(st.st_mode & 07777, 0555u);

  ExtractOptions options;
  options.overlay_whiteouts = true;
  options.privileged = false;
  auto refused = ApplyLayer(
      LayerSource::Path(WriteLayer(TarBuilder().Whiteout(".wh.x").Finish())),
      layer_, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(refused.error().message().find("overlay whiteouts need root"),
            std::string::npos)
      << refused.error().message();
}

}  // namespace
}  // namespace zlayer::extract
