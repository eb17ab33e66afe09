#include "sandbox/root_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "base/temp_dir.h"
#include "sandbox/sandbox_testing.h"

namespace zlayer::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CleanPathTest, Cleans) {
  EXPECT_EQ(CleanPath("a/../b/"), "/b");
  EXPECT_EQ(CleanPath("/../.."), "/");
  EXPECT_EQ(CleanPath("//x/./y//"), "/x/y");
  EXPECT_EQ(CleanPath(""), "/");
}

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("", "zlayer-rootpath-test-");
    ASSERT_TRUE(dir);
    dir_ = std::move(*dir);
    root_ = dir_.path();
    fs::create_directories(root_ + "/usr/lib");
    fs::create_symlink("/usr/lib", root_ + "/lib");         // absolute
    fs::create_symlink("../../../usr", root_ + "/usr/up");  // climbs out
    fs::create_symlink("loop2", root_ + "/loop1");
    fs::create_symlink("loop1", root_ + "/loop2");
    testing::WriteText(root_ + "/file", "x");
  }
  base::TempDir dir_;
  std::string root_;
};

TEST_F(ResolveTest, FollowsSymlinksInsideTheRoot) {
  auto p = ResolveInRoot(root_, "/lib/x/y");
  ASSERT_TRUE(p);
  EXPECT_THAT(p->existing, ElementsAre("usr", "lib"));
  EXPECT_THAT(p->missing, ElementsAre("x", "y"));
  EXPECT_EQ(p->ContainerPath(), "/usr/lib/x/y");
  EXPECT_EQ(p->HostPath(root_), root_ + "/usr/lib/x/y");

  p = ResolveInRoot(root_, "/usr/up/lib");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ContainerPath(), "/usr/lib");
  EXPECT_THAT(p->missing, IsEmpty());

  p = ResolveInRoot(root_, "/../../usr/../new/../");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ContainerPath(), "/");
}

TEST_F(ResolveTest, ReportsLoopsAndFiles) {
  auto p = ResolveInRoot(root_, "/loop1/x");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().errno_value(), ELOOP);
  p = ResolveInRoot(root_, "/file/x");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message(), "/file: Not a directory");
  p = ResolveInRoot(root_, "/file");
  ASSERT_TRUE(p);
  EXPECT_THAT(p->missing, IsEmpty());
}

TEST_F(ResolveTest, OpenInRootStaysInside) {
  fs::create_symlink("/../../../../etc/hostname", root_ + "/link");
  auto fd = OpenInRoot(root_, "/link");
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().errno_value(), ENOENT);
  testing::WriteText(root_ + "/etc/hostname", "inside");
  fd = OpenInRoot(root_, "/link");
  ASSERT_TRUE(fd) << fd.error().message();
  char buf[16] = {};
  EXPECT_EQ(::read(fd->get(), buf, sizeof buf), 6);
  EXPECT_STREQ(buf, "inside");
}

}  // namespace
}  // namespace zlayer::sandbox
