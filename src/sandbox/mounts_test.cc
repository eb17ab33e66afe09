#include "sandbox/mounts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "base/temp_dir.h"
#include "sandbox/overlay.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_testing.h"

namespace zlayer::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadText;
using testing::WriteText;

bool IsMountPoint(const std::string& path) {
  std::string info = ReadText("/proc/self/mountinfo");
  return info.find(" " + path + " ") != std::string::npos;
}

class MountsTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(EnterPrivateMountNamespace());
    SetOverlayMountApiForTesting(GetParam());
    auto dir = base::TempDir::Create("", "zlayer-mounts-test-");
    ASSERT_TRUE(dir);
    dir_ = std::move(*dir);
    for (const char* name : {"lower1", "lower2", "upper", "work", "merged"}) {
      fs::create_directories(Path(name));
    }
  }
  void TearDown() override { SetOverlayMountApiForTesting(true); }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  base::TempDir dir_;
};

TEST_P(MountsTest, OverlayWritesGoToTheUpperDir) {
  WriteText(Path("lower1/a"), "top\n");
  WriteText(Path("lower2/a"), "bottom\n");
  WriteText(Path("lower2/b"), "b\n");
  {
    auto mount =
        ScopedMount::Overlay({Path("lower1"), Path("lower2")}, Path("upper"),
                             Path("work"), Path("merged"));
    ASSERT_TRUE(mount) << mount.error().message();
    EXPECT_TRUE(mount->mounted());
    EXPECT_EQ(mount->target(), Path("merged"));
    EXPECT_EQ(ReadText(Path("merged/a")), "top\n");
    EXPECT_EQ(ReadText(Path("merged/b")), "b\n");
    WriteText(Path("merged/new"), "new\n");
    ASSERT_EQ(::unlink(Path("merged/b").c_str()), 0);
    EXPECT_EQ(ReadText(Path("upper/new")), "new\n");
    struct stat st;
    ASSERT_EQ(::lstat(Path("upper/b").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(0, 0));
    EXPECT_FALSE(fs::exists(Path("lower1/new")));
  }
  EXPECT_FALSE(IsMountPoint(Path("merged")));
  EXPECT_TRUE(fs::is_empty(Path("merged")));
  EXPECT_TRUE(fs::exists(Path("lower2/b")));
}

TEST_P(MountsTest, OverlayWithoutLowers) {
  auto mount =
      ScopedMount::Overlay({}, Path("upper"), Path("work"), Path("merged"));
  ASSERT_TRUE(mount) << mount.error().message();
  WriteText(Path("merged/f"), "x");
  EXPECT_EQ(ReadText(Path("upper/f")), "x");
  ASSERT_TRUE(mount->Unmount());
  EXPECT_FALSE(mount->mounted());
  EXPECT_TRUE(mount->Unmount());  // a second call is a no-op
  EXPECT_FALSE(IsMountPoint(Path("merged")));
}

TEST_P(MountsTest, OverlayRefusesMissingDirectories) {
  auto mount = ScopedMount::Overlay({Path("nope")}, Path("upper"), Path("work"),
                                    Path("merged"));
  ASSERT_FALSE(mount);
  EXPECT_EQ(mount.error().message(),
            "overlay lower " + Path("nope") + ": No such file or directory");
}

TEST_P(MountsTest, ReadOnlyViews) {
  WriteText(Path("lower1/a"), "1");
  WriteText(Path("lower2/b"), "2");
  {
    auto view = ScopedMount::ReadOnlyView({Path("lower1"), Path("lower2")},
                                          Path("merged"));
    ASSERT_TRUE(view) << view.error().message();
    EXPECT_EQ(ReadText(Path("merged/a")), "1");
    EXPECT_EQ(ReadText(Path("merged/b")), "2");
    EXPECT_NE(::mkdir(Path("merged/x").c_str(), 0755), 0);
    EXPECT_EQ(errno, EROFS);
  }
  {
    auto view = ScopedMount::ReadOnlyView({Path("lower1")}, Path("merged"));
    ASSERT_TRUE(view) << view.error().message();
    EXPECT_EQ(ReadText(Path("merged/a")), "1");
    EXPECT_NE(::mkdir(Path("merged/x").c_str(), 0755), 0);
    EXPECT_EQ(errno, EROFS);
  }
  {
    auto view = ScopedMount::ReadOnlyView({}, Path("merged"));
    ASSERT_TRUE(view) << view.error().message();
    EXPECT_TRUE(IsMountPoint(Path("merged")));
    EXPECT_TRUE(fs::is_empty(Path("merged")));
    EXPECT_NE(::mkdir(Path("merged/x").c_str(), 0755), 0);
  }
  EXPECT_FALSE(IsMountPoint(Path("merged")));
}

TEST_P(MountsTest, BindAndMove) {
  WriteText(Path("lower1/a"), "1");
  auto bind = ScopedMount::Bind(Path("lower1"), Path("merged"), false);
  ASSERT_TRUE(bind) << bind.error().message();
  WriteText(Path("merged/b"), "2");
  EXPECT_EQ(ReadText(Path("lower1/b")), "2");

  ScopedMount moved = std::move(*bind);
  EXPECT_FALSE(bind->mounted());
  EXPECT_TRUE(moved.mounted());
  ScopedMount assigned;
  assigned = std::move(moved);
  EXPECT_FALSE(moved.mounted());
  EXPECT_TRUE(IsMountPoint(Path("merged")));
  ASSERT_TRUE(assigned.Unmount());
  EXPECT_FALSE(IsMountPoint(Path("merged")));

  auto missing = ScopedMount::Bind(Path("nope"), Path("merged"), true);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message(), HasSubstr("bind " + Path("nope")));
}

INSTANTIATE_TEST_SUITE_P(MountApi, MountsTest, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "NewApi" : "Legacy";
                         });

TEST(OverlayOptionsTest, EscapesAndLimitsToAPage) {
  auto options = OverlayOptions({"/a:b", "/c,d"}, "/up", "/wo\\rk");
  ASSERT_TRUE(options);
  EXPECT_EQ(*options,
            "lowerdir=/a\\:b:/c\\,d,upperdir=/up,workdir=/wo\\\\rk,"
            "redirect_dir=off,metacopy=off,index=off");
  EXPECT_EQ(*OverlayOptions({"/a", "/b"}, "", ""),
            "lowerdir=/a:/b,redirect_dir=off,metacopy=off,index=off");
  std::vector<std::string> many(
      100, "/var/lib/zlayer/layers/" + std::string(40, 'f') + "/diff");
  auto too_long = OverlayOptions(many, "/up", "/work");
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().kind(), ErrorKind::kUnsupported);
  EXPECT_THAT(too_long.error().message(), HasSubstr("100 layers"));
}

}  // namespace
}  // namespace zlayer::sandbox
