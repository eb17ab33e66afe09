#include "frontend/build.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "frontend/input.h"
#include "store/store.h"

namespace zlayer::frontend {
namespace {

TEST(DependencyRepositoryTest, NamesAreCaseFoldedIntoValidRepositories) {
  EXPECT_EQ(DependencyRepository("toplevel"), "zlayer-build-dep-toplevel");
  EXPECT_EQ(DependencyRepository("Build Stage"),
            "zlayer-build-dep-build-stage");
  EXPECT_EQ(DependencyRepository("deps_v2.1"), "zlayer-build-dep-deps-v2-1");
  EXPECT_EQ(DependencyRepository("--x--"), "zlayer-build-dep-x");
  EXPECT_EQ(DependencyRepository("\xc3\xa9t\xc3\xa9"), "zlayer-build-dep-t");
  EXPECT_EQ(DependencyRepository("__"), "zlayer-build-dep-stage");
}

TEST(DirectiveFileTest, TheFileTypeRuleOfTheOriginal) {
  EXPECT_TRUE(DirectiveFileIsZImagefile("base.yml"));
  EXPECT_TRUE(DirectiveFileIsZImagefile("sub/base.YAML"));
  EXPECT_TRUE(DirectiveFileIsZImagefile("ZImagefile"));
  EXPECT_TRUE(DirectiveFileIsZImagefile("ZImagefile.base"));
  // The prefix test is on the raw value.
  EXPECT_FALSE(DirectiveFileIsZImagefile("sub/ZImagefile"));
  EXPECT_FALSE(DirectiveFileIsZImagefile("Dockerfile"));
  EXPECT_FALSE(DirectiveFileIsZImagefile("zimagefile"));
}

class FrontendBuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create();
    ASSERT_TRUE(dir) << dir.error().message();
    temp_ = std::move(*dir);
    auto store = store::Store::Open(temp_.path() + "/store");
    ASSERT_TRUE(store) << store.error().message();
    store_.emplace(std::move(*store));
  }

  std::string Write(const std::string& relative, const std::string& text) {
    std::string path = temp_.path() + "/" + relative;
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path());
    EXPECT_TRUE(base::WriteFileAtomic(path, text));
    return path;
  }

  // Reads and builds CONTEXT (a directory under the temp dir).
  Result<engine::BuildResult> BuildDir(const std::string& relative) {
    InputRequest request{.context = temp_.path() + "/" + relative};
    ZL_ASSIGN_OR_RETURN(Input input, ReadInput(request));
    engine::BuildOptions options;
    options.context_dir = request.context;
    return Build(*store_, request, input, options);
  }

  base::TempDir temp_;
  std::optional<store::Store> store_;
};

TEST_F(FrontendBuildTest, AMissingContextNamesTheDirectiveAndItsPosition) {
  std::string file =
      Write("app/ZImagefile", "stages:\n  one:\n    build: ./nowhere\n");
  auto built = BuildDir("app");
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(built.error().message(),
            file + ":3:5: Failed to read build context at '" + temp_.path() +
                "/app/nowhere': build context directory not found for "
                "build directive in 'one'");
}

TEST_F(FrontendBuildTest, ADirectiveThatReachesItsOwnFileIsACycle) {
  std::string file = Write("app/ZImagefile", "build: .\n");
  auto built = BuildDir("app");
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().message(),
            file + ":1:1: build directive cycle: " + file + " -> " +
                temp_.path() + "/app/ZImagefile");
}

TEST_F(FrontendBuildTest, ACycleThroughAnotherFileListsEveryFile) {
  std::string a = Write("a/ZImagefile", "build: ../b\n");
  std::string b = Write("b/ZImagefile", "version: \"1\"\nbuild: ../a\n");
  auto built = BuildDir("a");
  ASSERT_FALSE(built);
  const std::string& message = built.error().message();
  EXPECT_NE(
      message.find("build: directive 'toplevel' (context " + temp_.path() +
                   "/b): " + b + ":2:1: build directive cycle: " + a + " -> " +
                   temp_.path() + "/b/ZImagefile -> " + temp_.path() +
                   "/a/ZImagefile"),
      std::string::npos)
      << message;
  EXPECT_EQ(message.rfind(a + ":1:1: ", 0), 0u) << message;
}

TEST_F(FrontendBuildTest, ANestedFileThatIsMissingIsAnError) {
  std::string file = Write("app/ZImagefile",
                           "build:\n"
                           "  context: base\n"
                           "  file: Dockerfile.base\n");
  std::filesystem::create_directories(temp_.path() + "/app/base");
  auto built = BuildDir("app");
  ASSERT_FALSE(built);
  EXPECT_NE(built.error().message().find(
                file + ":1:1: build: directive 'toplevel' (context " +
                temp_.path() + "/app/base): "),
            std::string::npos)
      << built.error().message();
  EXPECT_NE(built.error().message().find("Dockerfile.base"), std::string::npos);
}

TEST_F(FrontendBuildTest, AnEmptyNestedContextHasNothingToBuild) {
  Write("app/ZImagefile", "build: base\n");
  std::filesystem::create_directories(temp_.path() + "/app/base");
  auto built = BuildDir("app");
  ASSERT_FALSE(built);
  EXPECT_NE(built.error().message().find(
                "no ZImagefile, Dockerfile or Containerfile in " +
                temp_.path() + "/app/base"),
            std::string::npos)
      << built.error().message();
}

}  // namespace
}  // namespace zlayer::frontend
