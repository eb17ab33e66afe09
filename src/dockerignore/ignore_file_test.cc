// Reading .dockerignore files and choosing the one that applies to a build.
#include "dockerignore/ignore_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/temp_dir.h"

namespace zlayer::dockerignore {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> PatternTexts(const Matcher& matcher) {
  std::vector<std::string> texts;
  for (const Pattern& p : matcher.patterns()) {
    texts.push_back((p.exception() ? "!" : "") + p.text());
  }
  return texts;
}

Matcher MustParse(std::string_view contents) {
  auto matcher = ParseIgnoreFile(contents, ".dockerignore");
  EXPECT_TRUE(matcher.has_value()) << matcher.error().message();
  return matcher ? *std::move(matcher) : Matcher();
}

TEST(ReadIgnoreLinesTest, NormalisesLikeDocker) {
  // The content of Docker's own ignorefile test, minus its two "!" lines.
  const auto lines = ReadIgnoreLines(
      "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n"
      "! /inverted/abs/path\n");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].pattern, "test1");
  EXPECT_EQ(lines[1].pattern, "test2");
  EXPECT_EQ(lines[2].pattern, "a/file/here");
  EXPECT_EQ(lines[3].pattern, "lastfile");
  EXPECT_EQ(lines[3].number, 5);
  EXPECT_EQ(lines[4].pattern, "!inverted/abs/path");
  EXPECT_EQ(lines[4].written, "! /inverted/abs/path");
  EXPECT_EQ(lines[4].number, 7);
}

TEST(ParseIgnoreFileTest, SkipsCommentsAndBlankLines) {
  const Matcher matcher =
      MustParse("# build output\n\n   \n\t\nbuild\n#!build/keep\n");
  EXPECT_EQ(PatternTexts(matcher), std::vector<std::string>{"build"});
  EXPECT_EQ(matcher.patterns()[0].line(), 5);
  EXPECT_EQ(matcher.source(), ".dockerignore");
}

TEST(ParseIgnoreFileTest, IndentedHashIsAPattern) {
  const Matcher matcher = MustParse("  # not a comment\n");
  EXPECT_EQ(PatternTexts(matcher), std::vector<std::string>{"# not a comment"});
  EXPECT_TRUE(matcher.MatchesOrParentMatches("# not a comment"));
}

TEST(ParseIgnoreFileTest, EscapedHashMatchesHashFile) {
  const Matcher matcher = MustParse("\\#notes\n");
  EXPECT_TRUE(matcher.MatchesOrParentMatches("#notes"));
}

TEST(ParseIgnoreFileTest, ByteOrderMarkAndCrlf) {
  const Matcher matcher =
      MustParse("\xEF\xBB\xBF# comment\r\nout\r\n!out/keep\r\n");
  EXPECT_EQ(PatternTexts(matcher),
            (std::vector<std::string>{"out", "!out/keep"}));
}

TEST(ParseIgnoreFileTest, LeadingSlashDotSlashAndDotDot) {
  const Matcher matcher =
      MustParse("/abs\n./rel/\nx/../y\n!  /z/./w//\n./ /\n");
  EXPECT_EQ(PatternTexts(matcher),
            (std::vector<std::string>{"abs", "rel", "y", "!z/w"}));
}

TEST(ParseIgnoreFileTest, InvalidPatternNamesFileAndLine) {
  auto matcher = ParseIgnoreFile("node_modules\n\n  [  \n", ".dockerignore");
  ASSERT_FALSE(matcher.has_value());
  EXPECT_EQ(matcher.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(matcher.error().message(),
            ".dockerignore:3: invalid pattern \"[\": "
            "unterminated character class");
}

TEST(ParseIgnoreFileTest, BareBangNamesFileAndLine) {
  auto matcher = ParseIgnoreFile("a\n!\n", "app.Dockerfile.dockerignore");
  ASSERT_FALSE(matcher.has_value());
  EXPECT_EQ(matcher.error().message(),
            "app.Dockerfile.dockerignore:2: invalid pattern \"!\": "
            "\"!\" must be followed by a pattern");
}

class BuildIgnoreTest : public testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create();
    ASSERT_TRUE(dir.has_value()) << dir.error().message();
    dir_ = std::move(*dir);
    root_ = dir_.path();
    fs::create_directories(root_ / "ctx" / "docker");
  }

  void Write(const fs::path& relative, std::string_view contents) {
    std::ofstream(root_ / relative) << contents;
  }

  Matcher MustLoad(const fs::path& dockerfile) {
    auto matcher = LoadBuildIgnore(root_ / "ctx", dockerfile);
    EXPECT_TRUE(matcher.has_value()) << matcher.error().message();
    return matcher ? *std::move(matcher) : Matcher();
  }

  base::TempDir dir_;
  fs::path root_;
};

TEST_F(BuildIgnoreTest, NoFileMeansNoPatterns) {
  const Matcher matcher = MustLoad(root_ / "ctx" / "Dockerfile");
  EXPECT_TRUE(matcher.empty());
  EXPECT_EQ(matcher.source(), "");
}

TEST_F(BuildIgnoreTest, ContextIgnoreFile) {
  Write("ctx/.dockerignore", "*.log\n");
  const Matcher matcher = MustLoad(root_ / "ctx" / "Dockerfile");
  EXPECT_EQ(PatternTexts(matcher), std::vector<std::string>{"*.log"});
  EXPECT_EQ(matcher.source(), (root_ / "ctx" / ".dockerignore").string());
}

TEST_F(BuildIgnoreTest, DockerfileSpecificFileWins) {
  Write("ctx/.dockerignore", "*.log\n");
  Write("ctx/docker/app.Dockerfile.dockerignore", "secrets\n");
  const fs::path dockerfile = root_ / "ctx" / "docker" / "app.Dockerfile";
  const Matcher matcher = MustLoad(dockerfile);
  EXPECT_EQ(PatternTexts(matcher), std::vector<std::string>{"secrets"});
  EXPECT_EQ(matcher.source(), dockerfile.string() + ".dockerignore");
}

TEST_F(BuildIgnoreTest, EmptyDockerfileSpecificFileStillWins) {
  Write("ctx/.dockerignore", "*.log\n");
  Write("Dockerfile.dockerignore", "");
  const Matcher matcher = MustLoad(root_ / "Dockerfile");
  EXPECT_TRUE(matcher.empty());
}

TEST_F(BuildIgnoreTest, OtherDockerfileIgnoreFileIsNotUsed) {
  Write("ctx/.dockerignore", "*.log\n");
  Write("ctx/Dockerfile.dockerignore", "secrets\n");
  const Matcher matcher = MustLoad(root_ / "ctx" / "prod.Dockerfile");
  EXPECT_EQ(PatternTexts(matcher), std::vector<std::string>{"*.log"});
}

TEST_F(BuildIgnoreTest, WithoutDockerfileUsesContext) {
  Write("ctx/.dockerignore", "tmp\n");
  EXPECT_EQ(PatternTexts(MustLoad("")), std::vector<std::string>{"tmp"});
}

TEST_F(BuildIgnoreTest, ParseErrorNamesTheFileUsed) {
  Write("ctx/Dockerfile.dockerignore", "ok\n\n[a-\n");
  auto matcher = LoadBuildIgnore(root_ / "ctx", root_ / "ctx" / "Dockerfile");
  ASSERT_FALSE(matcher.has_value());
  EXPECT_EQ(matcher.error().message(),
            (root_ / "ctx" / "Dockerfile.dockerignore").string() +
                ":3: invalid pattern \"[a-\": unterminated character class");
}

TEST_F(BuildIgnoreTest, UnreadableIgnoreFileIsAnError) {
  fs::create_directories(root_ / "ctx" / ".dockerignore");
  auto matcher = LoadBuildIgnore(root_ / "ctx", "");
  ASSERT_FALSE(matcher.has_value());
  EXPECT_EQ(matcher.error().kind(), ErrorKind::kIo);
  EXPECT_NE(matcher.error().message().find(".dockerignore"), std::string::npos);
}

}  // namespace
}  // namespace zlayer::dockerignore
