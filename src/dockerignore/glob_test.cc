// Single-pattern matching. Most rows come from the table tests of Docker's
// moby/patternmatcher; every expectation was checked against that Go code.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dockerignore/matcher.h"

namespace zlayer::dockerignore {
namespace {

struct GlobCase {
  const char* name;
  const char* pattern;
  const char* path;
  bool matches_itself;  // the pattern matches the path exactly
  bool excluded;        // the path or one of its parents matches
};

void PrintTo(const GlobCase& c, std::ostream* os) {
  *os << "pattern \"" << c.pattern << "\" path \"" << c.path << "\"";
}

class GlobTest : public testing::TestWithParam<GlobCase> {};

TEST_P(GlobTest, Matches) {
  const GlobCase& c = GetParam();
  auto matcher = Matcher::Create(std::vector<std::string>{c.pattern});
  ASSERT_TRUE(matcher.has_value()) << matcher.error().message();
  ASSERT_EQ(matcher->patterns().size(), 1u);
  EXPECT_EQ(matcher->patterns()[0].Matches(c.path), c.matches_itself);
  EXPECT_EQ(matcher->MatchesOrParentMatches(c.path), c.excluded);
}

constexpr GlobCase kDoubleStarCases[] = {
    {"AnyMatchesFile", "**", "file", true, true},
    {"AnyMatchesTrailingSlash", "**", "file/", true, true},
    {"AnySlashMatchesFile", "**/", "file", true, true},
    {"AnyMatchesNested", "**", "dir/file", true, true},
    {"AnySlashMatchesNested", "**/", "dir/file/", true, true},
    {"AnyTwiceMatchesNested", "**/**", "dir/file", true, true},
    {"TailMatchesChild", "dir/**", "dir/file", true, true},
    {"TailMatchesDeepChild", "dir/**", "dir/dir2/file", true, true},
    {"TailDoesNotMatchDirItself", "abc/**", "abc", false, false},
    {"TailMatchesGrandchild", "abc/**", "abc/def/ghi", true, true},
    {"LeadMatchesZeroLevels", "**/dir", "dir", true, true},
    {"LeadExcludesChildOfMatch", "**/dir", "dir/file", false, true},
    {"LeadThenStar", "**/dir2/*", "dir/dir2/file", true, true},
    {"LeadThenStarChildViaParent", "**/dir2/*", "dir/dir2/file/", false, true},
    {"LeadAndTail", "**/dir2/**", "dir/dir2/dir3/file", true, true},
    {"LeadGlued", "**file", "file", true, true},
    {"LeadGluedNested", "**file", "dir/dir/file", true, true},
    {"LeadGluedIsPlainSuffix", "**file", "dir/myfile", true, true},
    {"LeadGluedWithStarIsPerLevel", "**file*", "dir/myfile", false, false},
    {"LeadSuffixExtension", "**.txt", "a/b.txt", true, true},
    {"LeadSlashNested", "**/file", "dir/dir/file", true, true},
    {"LeadThenPrefixStar", "**/file*", "dir/dir/file.txt", true, true},
    {"LeadThenInnerStar", "**/file*txt", "dir/dir/file.txt", true, true},
    {"LeadThenStarDotTxt", "**/file*.txt", "dir/dir/file.txt", true, true},
    {"LeadTwiceExtension", "**/**/*.txt", "dir/dir/file.txt", true, true},
    {"LeadTwiceWrongExtension", "**/**/*.txt2", "dir/dir/file.txt", false,
     false},
    {"LeadExtensionAtTop", "**/*.txt", "file.txt", true, true},
    {"LeadTwiceExtensionAtTop", "**/**/*.txt", "file.txt", true, true},
    {"LeadPathZeroLevels", "**/foo/bar", "foo/bar", true, true},
    {"LeadPathTwoLevels", "**/foo/bar", "dir/dir2/foo/bar", true, true},
    {"LeadDotFile", "**/.foo", ".foo", true, true},
    {"LeadDotFileNotSuffix", "**/.foo", "bar.foo", false, false},
    {"GluedMiddleOneLevel", "a**/*.txt", "a/file.txt", true, true},
    {"GluedMiddleTwoLevels", "a**/*.txt", "a/dir/dir/file.txt", true, true},
    {"MiddleZeroLevels", "a/**/b", "a/b", true, true},
    {"MiddleTwoLevels", "a/**/b", "a/x/y/b", true, true},
    {"MiddleUnslashedZero", "a**b", "ab", true, true},
    {"MiddleUnslashedNeedsSlash", "a**b", "axb", false, false},
    {"MiddleUnslashedLevel", "a**b", "ax/b", true, true},
    {"TrailingAfterStar", "a/*.txt**", "a/file.txt", true, true},
};
INSTANTIATE_TEST_SUITE_P(DoubleStar, GlobTest,
                         testing::ValuesIn(kDoubleStarCases),
                         [](const auto& info) { return info.param.name; });

constexpr GlobCase kWildcardCases[] = {
    {"StarMatchesName", "*", "fileutils.go", true, true},
    {"StarSuffix", "*.go", "fileutils.go", true, true},
    {"StarStopsAtSlash", "a*b", "a/b", false, false},
    {"StarPrefixExcludesChildren", "a*", "ab/c", false, true},
    {"StarInFirstLevelOnly", "a*/b", "a/c/b", false, false},
    {"StarsBacktrack", "a*b*c*d*e*/f", "axbxcxdxexxx/f", true, true},
    {"StarsNeedLastLevel", "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
    {"StarQuestionMix", "a*b?c*x", "abxbbxdbxebxczzx", true, true},
    {"StarQuestionMixFails", "a*b?c*x", "abxbbxdbxebxczzy", false, false},
    {"StarMatchesRepeats", "*x", "xxx", true, true},
    {"StarDotFiles", ".*", ".foo", true, true},
    {"StarDotNeedsDot", ".*", "foo", false, false},
    {"QuestionOneChar", "abc?def", "abcZdef", true, true},
    {"QuestionNeedsChar", "abc?def", "abcdef", false, false},
    {"QuestionNotSlash", "a?c", "a/c", false, false},
    {"QuestionOneRune", "a?b", "a☺b", true, true},
    {"QuestionsCountRunes", "a???b", "a☺b", false, false},
    {"DotIsLiteral", "abc.def", "abcdef", false, false},
    {"DotIsNotAny", "abc.def", "abcZdef", false, false},
    {"RegexCharsAreLiteral", "a.|)$(}+{bc", "a.|)$(}+{bc", true, true},
    {"ParensAreLiteral", "a(b)c/def", "a(b)c/xyz", false, false},
    {"PlusInWheelName", "dist/*.whl",
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true, true},
    {"CaseSensitive", "abc", "ABC", false, false},
    {"NestedExactChild", "docs/README.md", "docs/README.md", true, true},
};
INSTANTIATE_TEST_SUITE_P(Wildcards, GlobTest, testing::ValuesIn(kWildcardCases),
                         [](const auto& info) { return info.param.name; });

constexpr GlobCase kClassAndEscapeCases[] = {
    {"RangeNeedsChar", "a[b-d]e", "ae", false, false},
    {"RangeMatches", "a[b-d]e", "ace", true, true},
    {"RangeOutside", "a[b-d]e", "aae", false, false},
    {"NegatedRange", "a[^b-d]e", "aze", true, true},
    {"NegatedMatchesSlash", "a[^b]c", "a/c", true, true},
    {"SingleMember", "ab[c]", "abc", true, true},
    {"NegatedExcludesMember", "ab[^c]", "abc", false, false},
    {"NegatedRuneNotByte", "a[^a]b", "a☺b", true, true},
    {"UnicodeRange", "[a-ζ]*", "α", true, true},
    {"UnicodeRangeExcludes", "*[a-ζ]", "A", false, false},
    {"EscapedCloseBracket", "[\\]a]", "]", true, true},
    {"EscapedDash", "[\\-]", "-", true, true},
    {"EscapedDashSecond", "[x\\-]", "-", true, true},
    {"EscapedDashNoRange", "[x\\-]", "z", false, false},
    {"StrayCloseBracket", "a]b", "a]b", true, true},
    {"EscapedBrackets", "a\\[b\\]", "a[b]", true, true},
    {"EscapedStar", "a\\*b", "a*b", true, true},
    {"EscapedStarIsNotWildcard", "a\\*b", "axb", false, false},
    {"EscapedBackslash", "a\\\\", "a\\", true, true},
    {"EscapedQuestion", "\\?", "?", true, true},
};
INSTANTIATE_TEST_SUITE_P(ClassesAndEscapes, GlobTest,
                         testing::ValuesIn(kClassAndEscapeCases),
                         [](const auto& info) { return info.param.name; });

struct InvalidCase {
  const char* name;
  const char* pattern;
  const char* reason;
};

class InvalidPatternTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidPatternTest, IsRejectedWithReason) {
  const InvalidCase& c = GetParam();
  auto matcher = Matcher::Create(std::vector<std::string>{c.pattern});
  ASSERT_FALSE(matcher.has_value()) << "pattern \"" << c.pattern << "\"";
  EXPECT_EQ(matcher.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(matcher.error().message(),
            std::string("invalid pattern \"") + c.pattern + "\": " + c.reason);
}

constexpr const char kUnterminated[] = "unterminated character class";
constexpr const char kDash[] = "unescaped \"-\" in character class";

constexpr InvalidCase kInvalidCases[] = {
    {"OpenBracket", "[", kUnterminated},
    {"OpenNegation", "[^", kUnterminated},
    {"UnclosedMembers", "[^bc", kUnterminated},
    {"UnclosedAfterText", "a[", kUnterminated},
    {"UnclosedAfterStars", "**/x[a-c", kUnterminated},
    {"EscapeAtEndOfClass", "[a\\", kUnterminated},
    {"LeadingCloseBracket", "[]a]",
     "character class is empty or starts with an unescaped \"]\""},
    {"LoneDash", "[-]", kDash},
    {"LeadingDash", "[-x]", kDash},
    {"DoubleRange", "[a-b-c]", kDash},
    {"OpenRange", "[x-]", "incomplete range in character class"},
    {"ReversedRange", "[z-a]", "reversed range \"z-a\" in character class"},
    {"ReversedRangeInWord", "[Local-Only]",
     "reversed range \"l-O\" in character class"},
    {"InvalidUtf8InClass", "[\xff]", "invalid UTF-8 in character class"},
    {"TrailingBackslash", "a\\", "trailing \"\\\" escapes nothing"},
    {"LoneBang", "!", "\"!\" must be followed by a pattern"},
    {"BangRoot", "!/", "\"!\" must be followed by a pattern"},
    {"BangSpaceRoot", "! /", "\"!\" must be followed by a pattern"},
    {"ExceptionWithBadClass", "!docs/[", kUnterminated},
};
INSTANTIATE_TEST_SUITE_P(Invalid, InvalidPatternTest,
                         testing::ValuesIn(kInvalidCases),
                         [](const auto& info) { return info.param.name; });

TEST(GlobTest, LongStarPatternStaysFast) {
  // A backtracking matcher takes exponential time here.
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "b";
  auto glob = Glob::Compile(pattern);
  ASSERT_TRUE(glob.has_value());
  EXPECT_FALSE(glob->Matches(std::string(5000, 'a')));
}

TEST(GlobTest, InvalidUtf8PathBytesAreSingleCharacters) {
  auto glob = Glob::Compile("a?b");
  ASSERT_TRUE(glob.has_value());
  EXPECT_TRUE(
      glob->Matches("a\xff"
                    "b"));
  EXPECT_FALSE(
      glob->Matches("a\xff\xfe"
                    "b"));
}

}  // namespace
}  // namespace zlayer::dockerignore
