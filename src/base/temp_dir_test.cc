#include "base/temp_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "base/file_io.h"

namespace zlayer::base {
namespace {

constexpr int kSkipped = 77;

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool MakeTree(const std::string& root) {
  return ::mkdir((root + "/a").c_str(), 0755) == 0 &&
         ::mkdir((root + "/a/b").c_str(), 0755) == 0 &&
         WriteFileAtomic(root + "/a/b/file", "x").has_value() &&
         WriteFileAtomic(root + "/top", "y").has_value() &&
         ::symlink("a/b/file", (root + "/link").c_str()) == 0;
}

// Runs `body` in a forked child and returns its exit code: 0 for success, 1
// for failure, kSkipped when the environment cannot run the test.
int RunInChild(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(TempDirTest, CreatesAPrivateDirectory) {
  auto dir = TempDir::Create("", "zlayer-test-");
  ASSERT_TRUE(dir.has_value()) << dir.error().message();
  EXPECT_EQ(dir->path().front(), '/');
  EXPECT_NE(dir->path().find("/zlayer-test-"), std::string::npos);
  struct stat st;
  ASSERT_EQ(::stat(dir->path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST(TempDirTest, CreatesInsideAGivenParent) {
  auto parent = TempDir::Create();
  ASSERT_TRUE(parent.has_value());
  auto child = TempDir::Create(parent->path(), "c");
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(child->path().rfind(parent->path() + "/c", 0), 0u);
}

TEST(TempDirTest, CreateErrorsNameTheParent) {
  auto dir = TempDir::Create("/nonexistent/parent");
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().message(),
            "create temporary directory in /nonexistent/parent: No such file "
            "or directory");
  auto slash = TempDir::Create("", "a/b");
  ASSERT_FALSE(slash.has_value());
  EXPECT_EQ(slash.error().kind(), ErrorKind::kInvalid);
}

TEST(TempDirTest, DestructorRemovesTheTree) {
  std::string path;
  {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.has_value());
    path = dir->path();
    ASSERT_TRUE(MakeTree(path));
  }
  EXPECT_FALSE(Exists(path));
}

TEST(TempDirTest, DoesNotFollowSymlinksOutOfTheTree) {
  auto outside = TempDir::Create();
  ASSERT_TRUE(outside.has_value());
  ASSERT_TRUE(MakeTree(outside->path()));
  {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.has_value());
    ASSERT_EQ(
        ::symlink(outside->path().c_str(), (dir->path() + "/escape").c_str()),
        0);
    ASSERT_EQ(::symlink((outside->path() + "/top").c_str(),
                        (dir->path() + "/file-link").c_str()),
              0);
    ASSERT_TRUE(dir->Remove().has_value());
    EXPECT_TRUE(dir->path().empty());
  }
  EXPECT_TRUE(Exists(outside->path() + "/a/b/file"));
  EXPECT_TRUE(Exists(outside->path() + "/top"));
}

// Root ignores permission bits, so the child drops to an unprivileged user
// to prove the chmod-before-removal path really runs.
TEST(TempDirTest, RemovesReadOnlyDirectories) {
  int code = RunInChild([] {
    if (::getuid() == 0 && (::setresgid(65534, 65534, 65534) != 0 ||
                            ::setresuid(65534, 65534, 65534) != 0)) {
      return kSkipped;
    }
    auto dir = TempDir::Create("/tmp");
    if (!dir || !MakeTree(dir->path())) return kSkipped;
    std::string root = dir->path();
    if (::mkdir((root + "/locked").c_str(), 0700) != 0 ||
        !WriteFileAtomic(root + "/locked/f", "z").has_value() ||
        ::chmod((root + "/locked").c_str(), 0) != 0 ||
        ::chmod((root + "/a/b").c_str(), 0500) != 0 ||
        ::chmod((root + "/a").c_str(), 0500) != 0) {
      return kSkipped;
    }
    if (!dir->Remove()) return 1;
    return Exists(root) ? 1 : 0;
  });
  if (code == kSkipped) GTEST_SKIP() << "cannot switch to an unprivileged user";
  EXPECT_EQ(code, 0);
}

TEST(TempDirTest, RefusesToDescendIntoMounts) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  std::string mnt = dir->path() + "/sub/mnt";
  ASSERT_EQ(::mkdir((dir->path() + "/sub").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(mnt.c_str(), 0755), 0);
  int code = RunInChild([&] {
    // A private mount namespace makes the mount vanish with the child.
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, nullptr) != 0 ||
        !WriteFileAtomic(mnt + "/precious", "p").has_value()) {
      return kSkipped;
    }
    auto status = RemoveTree(dir->path());
    bool refused = !status && status.error().message() ==
                                  "remove " + mnt +
                                      ": is a mount point; refusing to "
                                      "remove another filesystem's files";
    return refused && Exists(mnt + "/precious") ? 0 : 1;
  });
  if (code == kSkipped) GTEST_SKIP() << "cannot mount in a new namespace";
  EXPECT_EQ(code, 0);
}

TEST(TempDirTest, ReleaseKeepsTheDirectory) {
  std::string path;
  {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.has_value());
    path = dir->Release();
    EXPECT_TRUE(dir->path().empty());
  }
  EXPECT_TRUE(Exists(path));
  EXPECT_TRUE(RemoveTree(path).has_value());
  EXPECT_FALSE(Exists(path));
}

TEST(TempDirTest, MoveTransfersOwnership) {
  auto first = TempDir::Create();
  auto second = TempDir::Create();
  ASSERT_TRUE(first.has_value() && second.has_value());
  std::string first_path = first->path();
  std::string second_path = second->path();
  TempDir moved(std::move(*first));
  EXPECT_TRUE(first->path().empty());
  EXPECT_EQ(moved.path(), first_path);
  moved = std::move(*second);  // removes what `moved` owned before
  EXPECT_FALSE(Exists(first_path));
  EXPECT_EQ(moved.path(), second_path);
  EXPECT_TRUE(Exists(second_path));
}

TEST(RemoveTreeTest, HandlesFilesSymlinksAndMissingPaths) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  ASSERT_TRUE(MakeTree(dir->path()));
  EXPECT_TRUE(RemoveTree(dir->path() + "/top").has_value());
  EXPECT_FALSE(Exists(dir->path() + "/top"));
  ASSERT_EQ(::symlink("a", (dir->path() + "/dirlink").c_str()), 0);
  EXPECT_TRUE(RemoveTree(dir->path() + "/dirlink/").has_value());
  EXPECT_FALSE(Exists(dir->path() + "/dirlink"));
  EXPECT_TRUE(Exists(dir->path() + "/a/b/file"));
  EXPECT_TRUE(RemoveTree(dir->path() + "/missing").has_value());
  EXPECT_TRUE(RemoveTree(dir->path() + "/missing/deeper").has_value());
}

TEST(RemoveTreeTest, RefusesDotPaths) {
  for (const char* bad : {"", ".", "..", "/", "a/.."}) {
    auto status = RemoveTree(bad);
    ASSERT_FALSE(status.has_value()) << bad;
    EXPECT_EQ(status.error().kind(), ErrorKind::kInvalid) << bad;
  }
}

}  // namespace
}  // namespace zlayer::base
