// The ${...} operators and the variables a word reports as used.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "shell/lexer.h"
#include "shell/variables.h"

namespace zlayer::shell {
namespace {

using ::testing::HasSubstr;

// The expansion, or "error: <message>" so one EXPECT_EQ covers both.
std::string Expand(std::string_view word, const VariableMap& vars,
                   char escape = '\\') {
  const auto result = Lexer(escape).ProcessWord(word, vars);
  if (!result) return "error: " + result.error().message();
  return result->word;
}

TEST(SubstitutionTest, PlainReferences) {
  const VariableMap vars = {{"A", "x"}, {"a", "lower"}, {"A_1", "y"}};
  EXPECT_EQ(Expand("$A", vars), "x");
  EXPECT_EQ(Expand("${A}", vars), "x");
  EXPECT_EQ(Expand("$a$A", vars), "lowerx");  // names are case-sensitive
  EXPECT_EQ(Expand("$A_1.$A-", vars), "y.x-");
  EXPECT_EQ(Expand("$B|${B}|", vars), "||");
  EXPECT_EQ(Expand("$", vars), "$");
  EXPECT_EQ(Expand("a$/b", vars), "a$/b");
  EXPECT_EQ(Expand("$$", vars), "");  // $$ is a (never set) parameter
  EXPECT_EQ(Expand("$10x", vars), "x");
}

TEST(SubstitutionTest, NamesAreUnicodeLettersDigitsAndUnderscores) {
  // As in BuildKit (Go's unicode.IsLetter), unlike sh: `$USER님` names
  // "USER님", and `$USER…` stops at the punctuation.
  const VariableMap vars = {{"USER", "kim"}, {"이름", "lee"}, {"x٣", "3"}};
  EXPECT_EQ(Expand("$USER님", vars), "");
  EXPECT_EQ(Expand("${USER}님", vars), "kim님");
  EXPECT_EQ(Expand("$USER…", vars), "kim…");
  EXPECT_EQ(Expand("$이름 $x٣", vars), "lee 3");
  EXPECT_EQ(Expand("$٣٤x", vars), "x");  // Arabic-Indic digits: positional
}

TEST(SubstitutionTest, DefaultValue) {
  const VariableMap vars = {{"SET", "v"}, {"EMPTY", ""}};
  EXPECT_EQ(Expand("${SET:-d}", vars), "v");
  EXPECT_EQ(Expand("${EMPTY:-d}", vars), "d");
  EXPECT_EQ(Expand("${UNSET:-d}", vars), "d");
  EXPECT_EQ(Expand("${SET-d}", vars), "v");
  EXPECT_EQ(Expand("${EMPTY-d}", vars), "");
  EXPECT_EQ(Expand("${UNSET-d}", vars), "d");
  EXPECT_EQ(Expand("${UNSET:-${SET}/x y}", vars), "v/x y");
  EXPECT_EQ(Expand("${UNSET:-a\\}b}", vars), "a}b");
  EXPECT_EQ(Expand("${UNSET:-'}'}", vars), "}");
  EXPECT_EQ(Expand("${UNSET:-}", vars), "");
}

TEST(SubstitutionTest, AlternativeValue) {
  const VariableMap vars = {{"SET", "v"}, {"EMPTY", ""}};
  EXPECT_EQ(Expand("${SET:+alt}", vars), "alt");
  EXPECT_EQ(Expand("${EMPTY:+alt}", vars), "");
  EXPECT_EQ(Expand("${UNSET:+alt}", vars), "");
  EXPECT_EQ(Expand("${SET+alt}", vars), "alt");
  EXPECT_EQ(Expand("${EMPTY+alt}", vars), "alt");
  EXPECT_EQ(Expand("${UNSET+alt}", vars), "");
  EXPECT_EQ(Expand("a${SET:+-$SET}", vars), "a-v");
}

TEST(SubstitutionTest, RequiredValue) {
  const VariableMap vars = {{"SET", "v"}, {"EMPTY", ""}, {"ARG", "x"}};
  EXPECT_EQ(Expand("${SET:?}", vars), "v");
  EXPECT_EQ(Expand("${SET?}", vars), "v");
  EXPECT_EQ(Expand("${EMPTY?}", vars), "");
  EXPECT_EQ(Expand("${EMPTY:?}", vars),
            "error: failed to process \"${EMPTY:?}\": EMPTY: is not allowed "
            "to be empty");
  EXPECT_EQ(Expand("${UNSET?}", vars),
            "error: failed to process \"${UNSET?}\": UNSET: is not allowed to "
            "be unset");
  EXPECT_EQ(Expand("${UNSET:?set it with $ARG}", vars),
            "error: failed to process \"${UNSET:?set it with $ARG}\": UNSET: "
            "set it with x");
  const auto failed = Lexer().ProcessWord("${EMPTY:?}", vars);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind(), ErrorKind::kFailed);
}

TEST(SubstitutionTest, RemovePrefix) {
  const VariableMap vars = {{"P", "/usr/local/bin"}, {"X", "xxyy"}};
  EXPECT_EQ(Expand("${P#/usr}", vars), "/local/bin");
  EXPECT_EQ(Expand("${P#*/}", vars), "usr/local/bin");
  EXPECT_EQ(Expand("${P##*/}", vars), "bin");
  EXPECT_EQ(Expand("${P#nomatch}", vars), "/usr/local/bin");
  EXPECT_EQ(Expand("${X#?x}", vars), "yy");
  EXPECT_EQ(Expand("${X#*}", vars), "xxyy");
  EXPECT_EQ(Expand("${X##*}", vars), "");
  EXPECT_EQ(Expand("${X#}", vars), "xxyy");
  EXPECT_EQ(Expand("${UNSET#x}", vars), "");
}

TEST(SubstitutionTest, RemoveSuffix) {
  const VariableMap vars = {{"F", "archive.tar.gz"}, {"S", "a***yy*"}};
  EXPECT_EQ(Expand("${F%.*}", vars), "archive.tar");
  EXPECT_EQ(Expand("${F%%.*}", vars), "archive");
  EXPECT_EQ(Expand("${F%.gz}", vars), "archive.tar");
  EXPECT_EQ(Expand("${F%.zip}", vars), "archive.tar.gz");
  EXPECT_EQ(Expand("${S%%\\**\\*}", vars), "a");
  EXPECT_EQ(Expand("${S%\\**\\*}", vars), "a**");
  EXPECT_EQ(Expand("${S%\\*}", vars), "a***yy");
}

TEST(SubstitutionTest, PatternsMatchCharactersNotBytes) {
  const VariableMap vars = {{"K", "한국어"}};
  EXPECT_EQ(Expand("${K#?}", vars), "국어");
  EXPECT_EQ(Expand("${K%?}", vars), "한국");
  EXPECT_EQ(Expand("${K/국/-}", vars), "한-어");
}

TEST(SubstitutionTest, Replace) {
  const VariableMap vars = {
      {"F", "/tmp/tmp/bar.txt"}, {"N", "/tmp"}, {"W", "/foo*/*/*.txt"}};
  EXPECT_EQ(Expand("${F/$N/}", vars), "/tmp/bar.txt");
  EXPECT_EQ(Expand("${F//$N/}", vars), "/bar.txt");
  EXPECT_EQ(Expand("${F//\\//\\/}", vars), "\\/tmp\\/tmp\\/bar.txt");
  EXPECT_EQ(Expand("${F/t*p/X}", vars), "/X/bar.txt");  // longest match
  EXPECT_EQ(Expand("${W/\\*\\//.}", vars), "/foo.*/*.txt");
  EXPECT_EQ(Expand("${W//\\*\\//.}", vars), "/foo..*.txt");
  EXPECT_EQ(Expand("${F//*/X}", vars), "X");
  EXPECT_EQ(Expand("${F/nomatch/X}", vars), "/tmp/tmp/bar.txt");
  EXPECT_EQ(Expand("${F///}", vars), "/tmp/tmp/bar.txt");
  EXPECT_EQ(Expand("${UNSET/a/b}", vars), "");
  // The replacement is literal text once expanded.
  EXPECT_EQ(Expand("${N/tmp/\\$1}", vars), "/\\$1");
}

TEST(SubstitutionTest, SyntaxErrors) {
  const VariableMap vars = {{"A", "x"}};
  EXPECT_EQ(Expand("${A", vars),
            "error: failed to process \"${A\": syntax error: missing '}'");
  EXPECT_EQ(Expand("${", vars),
            "error: failed to process \"${\": syntax error: missing '}'");
  EXPECT_EQ(Expand("${A:-x", vars),
            "error: failed to process \"${A:-x\": syntax error: missing '}'");
  EXPECT_EQ(Expand("${A:-'x}", vars),
            "error: failed to process \"${A:-'x}\": syntax error: missing '}'");
  EXPECT_EQ(Expand("${A/x", vars),
            "error: failed to process \"${A/x\": syntax error: missing '/' in "
            "${}");
  EXPECT_EQ(Expand("${A/x/y", vars),
            "error: failed to process \"${A/x/y\": syntax error: missing '}'");
  for (const char* bad : {"${}", "${:}", "${{A}", "${:-x}", "${.}", "${+x}"}) {
    EXPECT_THAT(Expand(bad, vars), HasSubstr("syntax error: bad substitution"))
        << bad;
  }
  EXPECT_EQ(Expand("${A=x}", vars),
            "error: failed to process \"${A=x}\": unsupported modifier (=) in "
            "substitution");
  for (const char* bad : {"${A:=x}", "${A:#x}", "${A:%x}", "${A:x}"}) {
    EXPECT_THAT(Expand(bad, vars), HasSubstr("unsupported modifier (:")) << bad;
  }
  EXPECT_EQ(Expand("${A€}", vars),
            "error: failed to process \"${A€}\": unsupported modifier (€) in "
            "substitution");
}

TEST(SubstitutionTest, BadPatterns) {
  const VariableMap vars = {{"A", "x"}};
  EXPECT_EQ(Expand("${A#\\x}", vars),
            "error: failed to process \"${A#\\\\x}\": invalid pattern (\\x) "
            "in substitution: invalid escape '\\x'");
  EXPECT_THAT(Expand("${A%\\", vars), HasSubstr("missing '}'"));
  EXPECT_THAT(Expand("${A/\\a/b}", vars), HasSubstr("invalid escape '\\a'"));
  // Bad patterns fail even when the variable is unset.
  EXPECT_THAT(Expand("${B#\\x}", vars), HasSubstr("invalid pattern"));
}

TEST(SubstitutionTest, NestedReplacementsCannotGrowWithoutBound) {
  // Each level multiplies the length by about 1000.
  const VariableMap vars = {{"A", std::string(999, 'a')}};
  EXPECT_EQ(Expand("${A///${A///${A///x}}}", vars),
            "error: failed to process \"${A///${A///${A///x}}}\": expansion "
            "is larger than 16 MiB");
  const auto two_levels = Lexer().ProcessWord("${A///${A///x}}", vars);
  ASSERT_TRUE(two_levels);
  EXPECT_EQ(two_levels->word.size(), 999u + 1000u * (999u + 1000u));
}

TEST(SubstitutionTest, ErrorsStayOnOneLine) {
  const VariableMap vars;
  EXPECT_EQ(Expand("${A:?two\nlines}", vars),
            "error: failed to process \"${A:?two\\nlines}\": A: two\\nlines");
  EXPECT_EQ(Expand("${A\n}", vars),
            "error: failed to process \"${A\\n}\": unsupported modifier "
            "(\\n) in substitution");
}

TEST(SubstitutionTest, ErrorInsideNestedExpansionPropagates) {
  const VariableMap vars;
  EXPECT_EQ(Expand("${A:-${B:?no B}}", vars),
            "error: failed to process \"${A:-${B:?no B}}\": B: no B");
  EXPECT_THAT(Expand("${A:-${}}", vars), HasSubstr("bad substitution"));
}

}  // namespace
}  // namespace zlayer::shell
