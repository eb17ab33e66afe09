#include "copy/match.h"

#include <gtest/gtest.h>

#include "copy/chmod.h"
#include "copy/copy.h"

namespace zlayer::copy {
namespace {

bool M(std::string_view pattern, std::string_view name) {
  Result<bool> r = GoMatch(pattern, name);
  EXPECT_TRUE(r.has_value()) << pattern;
  return r.value_or(false);
}

TEST(GoMatchTest, StarsQuestionMarksAndClasses) {
  EXPECT_TRUE(M("*.txt", "a.txt"));
  EXPECT_FALSE(M("*.txt", "a.txt.bak"));
  EXPECT_TRUE(M("a?c", "abc"));
  EXPECT_TRUE(M("[a-c]x", "bx"));
  EXPECT_FALSE(M("[^a-c]x", "bx"));
  EXPECT_TRUE(M("arr[[]0].txt", "arr[0].txt"));
  EXPECT_TRUE(M("a\\*b", "a*b"));
  EXPECT_FALSE(M("a\\*b", "axb"));
  EXPECT_TRUE(M("a*b*c", "axxbyyc"));
}

TEST(GoMatchTest, StarAndQuestionNeverCrossSlash) {
  EXPECT_FALSE(M("*", "a/b"));
  EXPECT_FALSE(M("a?b", "a/b"));
  EXPECT_TRUE(M("*/b", "a/b"));
  EXPECT_FALSE(M("**.txt", "a/b.txt"));  // no "**" in filepath.Match
}

TEST(GoMatchTest, BadPatternIsAnError) {
  Result<bool> r = GoMatch("[a-", "a");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalid);
  EXPECT_FALSE(GoMatch("x\\", "x").has_value());
}

TEST(GoMatchTest, SplitWildcards) {
  EXPECT_EQ(SplitWildcards("a/b*/c"),
            (std::pair<std::string, std::string>("a", "b*/c")));
  EXPECT_EQ(SplitWildcards("a/b"),
            (std::pair<std::string, std::string>("a/b", "")));
  EXPECT_EQ(SplitWildcards("*.txt"),
            (std::pair<std::string, std::string>("", "*.txt")));
  EXPECT_TRUE(ContainsWildcards("x[0]"));
  EXPECT_FALSE(ContainsWildcards("x\\*"));
}

TEST(ChmodTest, OctalReplacesAllBits) {
  EXPECT_EQ(*ApplyChmod("755", 0600, false), 0755u);
  EXPECT_EQ(*ApplyChmod("0640", 04777, false), 0640u);
  EXPECT_EQ(*ApplyChmod("4755", 0600, false), 04755u);
}

TEST(ChmodTest, SymbolicAddsAndRemoves) {
  EXPECT_EQ(*ApplyChmod("u+x,g-w", 0664, false), 0744u);
  EXPECT_EQ(*ApplyChmod("+x", 0644, false), 0755u);
  EXPECT_EQ(*ApplyChmod("go=", 0755, false), 0700u);
  EXPECT_EQ(*ApplyChmod("g=u", 0640, false), 0660u);
  EXPECT_EQ(*ApplyChmod("u=rwx,go=u-w", 0, false), 0755u);
}

TEST(ChmodTest, CapitalXOnlyForDirectoriesAndExecutables) {
  EXPECT_EQ(*ApplyChmod("a=rX", 0600, false), 0444u);
  EXPECT_EQ(*ApplyChmod("a=rX", 0700, false), 0555u);
  EXPECT_EQ(*ApplyChmod("a=rX", 0600, true), 0555u);
  EXPECT_EQ(*ApplyChmod("u=rwX,go=rX", 0600, true), 0755u);
  EXPECT_EQ(*ApplyChmod("u=rwX,go=rX", 0600, false), 0644u);
}

TEST(ChmodTest, InvalidValuesAreRefused) {
  for (const char* bad : {"999", "8", "17777", "u*x", "x+", "u+x,", ""}) {
    Result<uint32_t> r = ApplyChmod(bad, 0644, false);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().kind(), ErrorKind::kInvalid) << bad;
    EXPECT_NE(r.error().message().find("invalid chmod parameter"),
              std::string::npos)
        << r.error().message();
  }
}

}  // namespace
}  // namespace zlayer::copy
