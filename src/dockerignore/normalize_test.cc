// The Go text rules Docker applies to patterns, checked against Go's
// path.Clean.
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
