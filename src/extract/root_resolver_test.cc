#include "extract/root_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::extract {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Runs every case with openat2 allowed and with the portable walk forced.
class RootResolverTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    root_ = dir_.path() + "/root";
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/usr").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/usr/bin").c_str(), 0755), 0);
    ASSERT_EQ(::symlink("/usr/bin", (root_ + "/bin").c_str()), 0);
    ASSERT_EQ(::symlink("../../../../..", (root_ + "/usr/up").c_str()), 0);
    ASSERT_EQ(::symlink("loop", (root_ + "/loop").c_str()), 0);
    ASSERT_TRUE(base::WriteFileAtomic(root_ + "/file", "x"));
    resolver_.emplace(RootResolver::Open(root_, GetParam()).value());
  }

  Result<std::optional<ResolvedDir>> Resolve(const PathComponents& path,
                                             ResolveMode mode) {
    return resolver_->Resolve(path, mode, &state_);
  }

  base::TempDir dir_;
  std::string root_;
  LayerState state_{true};
  std::optional<RootResolver> resolver_;
};

TEST_P(RootResolverTest, ResolvesPlainDirectories) {
  auto dir = Resolve({"usr", "bin"}, ResolveMode::kExisting);
  ASSERT_TRUE(dir && *dir);
  EXPECT_EQ((*dir)->Key(), "usr/bin");
  auto root = Resolve({}, ResolveMode::kExisting);
  ASSERT_TRUE(root && *root);
  EXPECT_EQ((*root)->Key(), ".");
}

TEST_P(RootResolverTest, ReportsMissingOrCreates) {
  auto missing = Resolve({"opt", "x"}, ResolveMode::kExisting);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  auto created = Resolve({"opt", "x"}, ResolveMode::kCreate);
  ASSERT_TRUE(created && *created);
  struct stat st;
  ASSERT_EQ(::stat((root_ + "/opt/x").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST_P(RootResolverTest, ReplacesANonDirectoryWhenCreating) {
  auto under_file = Resolve({"file", "x"}, ResolveMode::kExisting);
  ASSERT_TRUE(under_file);
  EXPECT_FALSE(*under_file);
  auto created = Resolve({"file", "x"}, ResolveMode::kCreate);
  ASSERT_TRUE(created && *created);
  EXPECT_EQ((*created)->Key(), "file/x");
}

TEST_P(RootResolverTest, ResolvesLowerSymlinksInsideTheRoot) {
  auto absolute = Resolve({"bin"}, ResolveMode::kExisting);
  ASSERT_TRUE(absolute && *absolute);
  EXPECT_THAT((*absolute)->path, ElementsAre("usr", "bin"));
  // ".." stops at the root as it does at "/".
  auto climbing = Resolve({"usr", "up", "usr"}, ResolveMode::kExisting);
  ASSERT_TRUE(climbing && *climbing);
  EXPECT_EQ((*climbing)->Key(), "usr");
  auto none = Resolve({"bin"}, ResolveMode::kNoSymlinks);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(RootResolverTest, RefusesSymlinksOfTheCurrentLayer) {
  state_.NoteSymlink("bin");
  auto refused = Resolve({"bin", "x"}, ResolveMode::kCreate);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message(),
              HasSubstr("refusing to write through symlink \"bin\""));
}

TEST_P(RootResolverTest, StopsSymlinkLoops) {
  auto looped = Resolve({"loop", "x"}, ResolveMode::kCreate);
  ASSERT_FALSE(looped);
  EXPECT_THAT(looped.error().message(), HasSubstr("too many levels"));
}

INSTANTIATE_TEST_SUITE_P(Openat2AndWalk, RootResolverTest, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "Openat2" : "Walk";
                         });

}  // namespace
}  // namespace zlayer::extract
