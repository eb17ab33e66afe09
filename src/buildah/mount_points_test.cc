#include "buildah/mount_points.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/temp_dir.h"

namespace zlayer::buildah {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class MountPointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto temp = base::TempDir::Create();
    ASSERT_TRUE(temp);
    temp_ = std::move(*temp);
    root_ = temp_.path() + "/root";
    fs::create_directories(root_ + "/var/cache");
    fs::create_directories(root_ + "/run");
  }
  bool Exists(const std::string& path) {
    std::error_code ec;
    return fs::symlink_status(root_ + path, ec).type() !=
           fs::file_type::not_found;
  }

  base::TempDir temp_;
  std::string root_;
};

TEST_F(MountPointsTest, RecordsFromTheFirstMissingComponent) {
  auto points = MountPoints::Record(
      root_, {"/var/cache/apt", "/ctx/a/b", "/var/cache", "/ctx/a/c"});
  ASSERT_TRUE(points) << points.error().message();
  EXPECT_THAT(points->paths(), ElementsAre("var/cache/apt", "ctx", "ctx/a",
                                           "ctx/a/b", "ctx/a/c"));
}

TEST_F(MountPointsTest, RemovesOnlyWhatIsStillEmpty) {
  auto points = MountPoints::Record(
      root_, {"/var/cache/apt", "/ctx/a/b", "/run/secrets/token", "/out/x"});
  ASSERT_TRUE(points);
  // What a runtime creates for the mounts, and what the RUN wrote.
  fs::create_directories(root_ + "/var/cache/apt");
  fs::create_directories(root_ + "/ctx/a/b");
  fs::create_directories(root_ + "/run/secrets");
  std::ofstream(root_ + "/run/secrets/token");
  fs::create_directories(root_ + "/out/x");
  std::ofstream(root_ + "/out/written") << "data";

  Status removed = points->Remove();
  ASSERT_TRUE(removed) << removed.error().message();
  EXPECT_FALSE(Exists("/var/cache/apt"));
  EXPECT_TRUE(Exists("/var/cache"));
  EXPECT_FALSE(Exists("/ctx"));
  EXPECT_FALSE(Exists("/run/secrets"));
  EXPECT_TRUE(Exists("/run"));
  EXPECT_FALSE(Exists("/out/x"));
  EXPECT_TRUE(Exists("/out/written")) << "content the RUN wrote stays";
}

TEST_F(MountPointsTest, NonEmptyFileStays) {
  auto points = MountPoints::Record(root_, {"/etc/app-secret"});
  ASSERT_TRUE(points);
  fs::create_directories(root_ + "/etc");
  std::ofstream(root_ + "/etc/app-secret") << "x";
  ASSERT_TRUE(points->Remove());
  EXPECT_TRUE(Exists("/etc/app-secret"));
}

TEST_F(MountPointsTest, SymlinksResolveInsideTheRoot) {
  // /var/run -> /run means the image's /run; a link naming a host path
  // means that path inside the root too.
  ASSERT_EQ(::symlink("/run", (root_ + "/var/run").c_str()), 0);
  std::string outside = temp_.path() + "/outside";
  fs::create_directories(outside + "/x");
  ASSERT_EQ(::symlink(outside.c_str(), (root_ + "/escape").c_str()), 0);
  auto points = MountPoints::Record(root_, {"/var/run/mnt", "/escape/x"});
  ASSERT_TRUE(points);
  EXPECT_THAT(points->paths(), ElementsAre("var/run/mnt", "escape/x"));
  fs::create_directories(root_ + "/run/mnt");
  ASSERT_TRUE(points->Remove());
  EXPECT_FALSE(Exists("/run/mnt"));
  EXPECT_TRUE(fs::exists(outside + "/x")) << "removal left the root";
}

}  // namespace
}  // namespace zlayer::buildah
