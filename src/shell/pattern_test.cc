// The pattern matcher, UTF-8 helpers and VariableMap on their own.
#include "shell/pattern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shell/utf8.h"
#include "shell/variables.h"

namespace zlayer::shell {
namespace {

Pattern MustCompile(std::string_view text) {
  auto pattern = Pattern::Compile(text);
  EXPECT_TRUE(pattern) << text << ": " << pattern.error().message();
  return *std::move(pattern);
}

TEST(PatternTest, Prefixes) {
  const Pattern star_x = MustCompile("*x");
  EXPECT_EQ(star_x.MatchPrefix("axbx", false), 2u);
  EXPECT_EQ(star_x.MatchPrefix("axbx", true), 4u);
  EXPECT_EQ(star_x.MatchPrefix("abc", true), std::nullopt);
  EXPECT_EQ(MustCompile("").MatchPrefix("abc", true), 0u);
  EXPECT_EQ(MustCompile("*").MatchPrefix("abc", false), 0u);
  EXPECT_EQ(MustCompile("*").MatchPrefix("abc", true), 3u);
  EXPECT_EQ(MustCompile("a?c").MatchPrefix("abcd", false), 3u);
  EXPECT_EQ(MustCompile("???").MatchPrefix("ab", false), std::nullopt);
}

TEST(PatternTest, Suffixes) {
  const Pattern dot_star = MustCompile(".*");
  EXPECT_EQ(dot_star.MatchSuffix("a.b.c", false), 3u);
  EXPECT_EQ(dot_star.MatchSuffix("a.b.c", true), 1u);
  EXPECT_EQ(dot_star.MatchSuffix("abc", true), std::nullopt);
  EXPECT_EQ(MustCompile("").MatchSuffix("abc", false), 3u);
  EXPECT_EQ(MustCompile("\\**").MatchSuffix("a*b*c", false), 3u);
}

TEST(PatternTest, EscapesAndLiterals) {
  EXPECT_EQ(MustCompile("\\*\\?\\\\").MatchPrefix("*?\\x", true), 3u);
  EXPECT_EQ(MustCompile("a\\}b\\/").MatchPrefix("a}b/", true), 4u);
  // Brackets and regex syntax are plain characters, as in BuildKit.
  EXPECT_EQ(MustCompile("[ab]").MatchPrefix("a", true), std::nullopt);
  EXPECT_EQ(MustCompile("[ab].+").MatchPrefix("[ab].+x", true), 6u);
  for (const char* bad : {"\\", "a\\x", "\\[", "\\\\\\"}) {
    EXPECT_FALSE(Pattern::Compile(bad)) << bad;
  }
  EXPECT_FALSE(Pattern::Compile("\xff"));
}

TEST(PatternTest, WildcardsDoNotMatchNewlines) {
  EXPECT_EQ(MustCompile("*x").MatchPrefix("a\nbx", true), std::nullopt);
  EXPECT_EQ(MustCompile("*").MatchPrefix("ab\ncd", true), 2u);
  EXPECT_EQ(MustCompile("?").ReplaceAll("a\nb", "_"), "_\n_");
  EXPECT_EQ(MustCompile("\n").ReplaceAll("a\nb", "_"), "a_b");
}

TEST(PatternTest, LeftmostLongestReplacement) {
  const Pattern pattern = MustCompile("a*b");
  EXPECT_EQ(pattern.ReplaceFirst("xaabab-ab", "_"), "x_");
  EXPECT_EQ(MustCompile("a?b").ReplaceFirst("aaxbaab", "_"), "a_aab");
  EXPECT_EQ(MustCompile("ab").ReplaceAll("abxabab", "_"), "_x__");
  EXPECT_EQ(MustCompile("ab").ReplaceAll("", "_"), "");
}

TEST(PatternTest, EmptyMatchesFollowGoRegexp) {
  EXPECT_EQ(MustCompile("").ReplaceFirst("xy", "_"), "_xy");
  EXPECT_EQ(MustCompile("").ReplaceAll("xy", "_"), "_x_y_");
  EXPECT_EQ(MustCompile("*").ReplaceAll("xy", "_"), "_");
  EXPECT_EQ(MustCompile("*").ReplaceAll("", "_"), "_");
  EXPECT_EQ(MustCompile("").ReplaceAll("한", "_"), "_한_");
}

TEST(PatternTest, ManyStarsStayFast) {
  const std::string value(20000, 'a');
  const Pattern pattern = MustCompile(std::string(200, '*') + "b");
  EXPECT_EQ(pattern.MatchPrefix(value, true), std::nullopt);
  EXPECT_EQ(pattern.ReplaceAll(value, "_"), value);
}

TEST(PatternTest, LongPatternAgainstShortValue) {
  const std::string value(2000, 'a');
  const Pattern pattern = MustCompile(std::string(100000, 'a') + "b");
  EXPECT_EQ(pattern.MatchSuffix(value, true), std::nullopt);
  EXPECT_EQ(pattern.ReplaceAll(value, "_"), value);
}

TEST(PatternTest, ReplaceAllStopsAtMaxSize) {
  const Pattern empty = MustCompile("");
  EXPECT_EQ(empty.ReplaceAll("abc", "__", 11), "__a__b__c__");
  EXPECT_EQ(empty.ReplaceAll("abc", "__", 10), std::nullopt);
}

TEST(Utf8Test, DecodesAndRejectsMalformedBytes) {
  EXPECT_EQ(DecodeRune("한", 0).value, U'한');
  EXPECT_EQ(DecodeRune("한", 0).length, 3u);
  EXPECT_TRUE(DecodeRune("\xed\x9f", 0).malformed());       // truncated
  EXPECT_TRUE(DecodeRune("\xc0\xaf", 0).malformed());       // overlong
  EXPECT_TRUE(DecodeRune("\xed\xa0\x80", 0).malformed());   // surrogate
  EXPECT_FALSE(DecodeRune("\xef\xbf\xbd", 0).malformed());  // U+FFFD itself
}

TEST(Utf8Test, QuotesForOneLineMessages) {
  EXPECT_EQ(QuoteForMessage("a\"b\\c\nd\x01\xff한"),
            "\"a\\\"b\\\\c\\nd\\x01\\xff한\"");
}

TEST(VariableMapTest, FromAssignments) {
  const std::vector<std::string> entries = {"A=1", "B", "C=x=y", "A=2"};
  const VariableMap vars = VariableMap::FromAssignments(entries);
  EXPECT_EQ(vars.Get("A"), "2");
  EXPECT_EQ(vars.Get("B"), "");
  EXPECT_EQ(vars.Get("C"), "x=y");
  EXPECT_EQ(vars.Get("a"), std::nullopt);
}

}  // namespace
}  // namespace zlayer::shell
