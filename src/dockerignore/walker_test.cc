// Walking a real directory tree with ignore rules applied.
#include "dockerignore/walker.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/temp_dir.h"

namespace zlayer::dockerignore {
namespace {

namespace fs = std::filesystem;
using Paths = std::vector<std::string>;

class WalkerTest : public testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create();
    ASSERT_TRUE(dir.has_value()) << dir.error().message();
    dir_ = std::move(*dir);
    root_ = dir_.path();
    for (const char* file :
         {"Dockerfile", "README.md", "a-c", "a/b", "app/main.go",
          "app/main_test.go", "build/out.o", "dir/keep.txt", "dir/other.txt",
          "dir/sub/deep.txt", "node_modules/keep/index.js",
          "node_modules/x/index.js"}) {
      fs::create_directories((root_ / file).parent_path());
      std::ofstream(root_ / file) << file;
    }
    fs::create_directory_symlink("app", root_ / "link");
    fs::create_symlink("/etc/passwd", root_ / "outside");
  }

  Paths List(const std::vector<std::string>& patterns) {
    auto matcher = Matcher::Create(patterns);
    EXPECT_TRUE(matcher.has_value()) << matcher.error().message();
    if (!matcher) return {};
    auto paths = ListIncluded(root_, *matcher);
    EXPECT_TRUE(paths.has_value()) << paths.error().message();
    return paths ? *paths : Paths();
  }

  base::TempDir dir_;
  fs::path root_;
};

TEST_F(WalkerTest, NoPatternsListsEverythingParentsFirst) {
  EXPECT_EQ(List({}), (Paths{"Dockerfile",
                             "README.md",
                             "a",
                             "a/b",
                             "a-c",
                             "app",
                             "app/main.go",
                             "app/main_test.go",
                             "build",
                             "build/out.o",
                             "dir",
                             "dir/keep.txt",
                             "dir/other.txt",
                             "dir/sub",
                             "dir/sub/deep.txt",
                             "link",
                             "node_modules",
                             "node_modules/keep",
                             "node_modules/keep/index.js",
                             "node_modules/x",
                             "node_modules/x/index.js",
                             "outside"}));
}

TEST_F(WalkerTest, ExcludedDirectoriesAndFilesAreLeftOut) {
  EXPECT_EQ(
      List({"build", "node_modules/", "*.md", "a*", "!app", "dir", "link"}),
      (Paths{"Dockerfile", "app", "app/main.go", "app/main_test.go",
             "outside"}));
}

TEST_F(WalkerTest, ReincludedChildBringsItsParent) {
  EXPECT_EQ(List({"dir", "!dir/keep.txt", "*", "!dir"}),
            (Paths{"dir", "dir/keep.txt", "dir/other.txt", "dir/sub",
                   "dir/sub/deep.txt"}));
  EXPECT_EQ(List({"*", "!dir/keep.txt"}), (Paths{"dir", "dir/keep.txt"}));
}

TEST_F(WalkerTest, DeepReincludeReportsEveryExcludedParent) {
  EXPECT_EQ(List({"*", "!dir/sub/deep.txt"}),
            (Paths{"dir", "dir/sub", "dir/sub/deep.txt"}));
}

TEST_F(WalkerTest, ExcludedDirectoryWithNothingKeptIsNotReported) {
  EXPECT_EQ(List({"*", "!dir/missing.txt", "!README.md"}),
            (Paths{"README.md"}));
}

TEST_F(WalkerTest, WildcardExceptionSearchesExcludedDirectories) {
  EXPECT_EQ(
      List({"*", "!**/*_test.go", "!**/deep.txt"}),
      (Paths{"app", "app/main_test.go", "dir", "dir/sub", "dir/sub/deep.txt"}));
}

TEST_F(WalkerTest, SymlinksAreReportedNotFollowed) {
  std::map<std::string, mode_t> modes;
  auto matcher =
      Matcher::Create(std::vector<std::string>{"*", "!link", "!outside"});
  ASSERT_TRUE(matcher.has_value());
  auto status =
      Walk(root_, *matcher, [&](std::string_view path, const struct stat& st) {
        modes[std::string(path)] = st.st_mode;
        return Ok();
      });
  ASSERT_TRUE(status.has_value()) << status.error().message();
  ASSERT_EQ(modes.size(), 2u);
  EXPECT_TRUE(S_ISLNK(modes["link"]));
  EXPECT_TRUE(S_ISLNK(modes["outside"]));
}

TEST_F(WalkerTest, KeepsBuildKitRepeatedExclusionQuirk) {
  // Docker's line order says node_modules/keep is excluded again by the
  // last line; BuildKit sends it, and so does zlayer.
  EXPECT_EQ(List({"*", "!node_modules/keep", "node_modules"}),
            (Paths{"node_modules", "node_modules/keep",
                   "node_modules/keep/index.js"}));
}

TEST_F(WalkerTest, CallbackErrorStopsTheWalk) {
  int calls = 0;
  auto status = Walk(root_, Matcher(),
                     [&](std::string_view path, const struct stat&) -> Status {
                       ++calls;
                       if (path == "a")
                         return Fail("stop at " + std::string(path));
                       return Ok();
                     });
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message(), "stop at a");
  EXPECT_EQ(calls, 3);
}

TEST_F(WalkerTest, MissingContextIsAnError) {
  auto paths = ListIncluded(root_ / "nope", Matcher());
  ASSERT_FALSE(paths.has_value());
  EXPECT_EQ(paths.error().message(), "open build context " +
                                         (root_ / "nope").string() +
                                         ": No such file or directory");
}

// Runs in a child process: as root it first becomes "nobody", since root
// reads directories whatever their mode. Exits 0 when all checks pass.
[[noreturn]] void CheckUnreadableBuildDir(const fs::path& root) {
  if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
    std::fprintf(stderr, "cannot drop root privileges\n");
    std::_Exit(2);
  }
  auto matcher = Matcher::Create(
      std::vector<std::string>{"*", "!build/out.o", "!README.md"});
  auto excluded = ListIncluded(root, *matcher);
  if (!excluded || *excluded != Paths{"README.md"}) {
    std::fprintf(stderr, "excluded unreadable dir was not skipped\n");
    std::_Exit(1);
  }
  auto included = ListIncluded(root, Matcher());
  const std::string want =
      "open " + (root / "build").string() + ": Permission denied";
  if (included || included.error().message() != want) {
    std::fprintf(stderr, "included unreadable dir: want error \"%s\"\n",
                 want.c_str());
    std::_Exit(1);
  }
  std::_Exit(0);
}

TEST_F(WalkerTest, UnreadableDirectoryOnlyMattersWhenIncluded) {
  fs::permissions(root_, fs::perms::owner_all | fs::perms::group_read |
                             fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
  fs::permissions(root_ / "build", fs::perms::none);
  // A plain fork rather than a death test: gtest's "threadsafe" style
  // re-runs SetUp in a fresh process whose temp dir _Exit would leak.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) CheckUnreadableBuildDir(root_);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  fs::permissions(root_ / "build", fs::perms::owner_all);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace zlayer::dockerignore
