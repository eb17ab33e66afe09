// The Go text rules Docker applies to patterns, checked against Go's
// path.Clean, strings.TrimSpace and utf8.DecodeRuneInString.
#include "dockerignore/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace zlayer::dockerignore {
namespace {

TEST(CleanPathTest, MatchesGoPathClean) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "."},
      {".", "."},
      {"./", "."},
      {"/", "/"},
      {"//", "/"},
      {"abc", "abc"},
      {"abc/", "abc"},
      {"a//b", "a/b"},
      {"./a/./b/.", "a/b"},
      {"a/b/../c", "a/c"},
      {"a/..", "."},
      {"a/../..", ".."},
      {"../a/../..", "../.."},
      {"../../a/b/../../..", "../../.."},
      {"/..", "/"},
      {"/../a", "/a"},
      {"/a/b/../../..", "/"},
      {"a/b/c/../../d/", "a/d"},
      {"...", "..."},
      {"a/.../b", "a/.../b"},
      {"!../..", "."},
      {"**/", "**"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(CleanPath(in), want) << "CleanPath(\"" << in << "\")";
  }
}

TEST(TrimSpaceTest, TrimsUnicodeWhiteSpaceLikeGo) {
  EXPECT_EQ(TrimSpace(" \t\r\n\v\fa b \t"), "a b");
  EXPECT_EQ(TrimSpace("\u00a0x\u3000"), "x");
  EXPECT_EQ(TrimSpace("\u2009x\u0085"), "x");
  EXPECT_EQ(TrimSpace("   "), "");
  // U+200B (zero width space) is not white space to Go.
  EXPECT_EQ(TrimSpace("\u200bx"), "\u200bx");
  // An invalid byte stops trimming instead of being mistaken for a space.
  EXPECT_EQ(TrimSpace("x\xa0 "), "x\xa0");
}

TEST(DecodeRuneTest, RejectsWhatGoRejects) {
  EXPECT_EQ(DecodeRune("a").value, U'a');
  EXPECT_EQ(DecodeRune("\u00e9").size, 2u);
  EXPECT_EQ(DecodeRune("\u263a").value, U'\u263a');
  EXPECT_EQ(DecodeRune("\U0001F600").size, 4u);
  for (const char* bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xe2\x98", "\xff", "\x80"}) {
    const Rune r = DecodeRune(bad);
    EXPECT_EQ(r.value, kReplacementChar) << "input " << bad;
    EXPECT_EQ(r.size, 1u);
  }
}

TEST(NormalizePatternLineTest, FollowsDockerIgnoreFileReader) {
  const std::pair<const char*, const char*> cases[] = {
      {"test1", "test1"},
      {"/test2", "test2"},
      {"/a/file/here", "a/file/here"},
      {"! /inverted/abs/path", "!inverted/abs/path"},
      {"!", "!"},
      {"./a/./b/", "a/b"},
      {"/", "/"},
      {"!/", "!/"},
      {"a/../../b", "../b"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(NormalizePatternLine(in), want) << "line \"" << in << "\"";
  }
}

}  // namespace
}  // namespace zlayer::dockerignore
