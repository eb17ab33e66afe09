// Quotes, escapes, the backtick escape token, word splitting and the
// BuildKit Lex switches.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shell/lexer.h"
#include "shell/variables.h"

namespace zlayer::shell {
namespace {

using Words = std::vector<std::string>;

const VariableMap kVars = {
    {"PWD", "/home"}, {"SPACE", "a  b"}, {"EMPTY", ""}, {"Q", "'x'"}};

std::string Expand(std::string_view word, const LexerOptions& options = {}) {
  const auto result = Lexer(options).ProcessWord(word, kVars);
  if (!result) return "error: " + result.error().message();
  return result->word;
}

Words Split(std::string_view text, const LexerOptions& options = {}) {
  const auto result = Lexer(options).ProcessWords(text, kVars);
  if (!result) return {"error: " + result.error().message()};
  return *result;
}

TEST(QuotingTest, SingleQuotesAreLiteral) {
  EXPECT_EQ(Expand("'$PWD \\$PWD ${X:-y} \"'"), "$PWD \\$PWD ${X:-y} \"");
  EXPECT_EQ(Expand("a'b'c''"), "abc");
  EXPECT_EQ(Expand("'abc"),
            "error: failed to process \"'abc\": unexpected end of statement "
            "while looking for matching single-quote");
}

TEST(QuotingTest, DoubleQuotesExpandVariables) {
  EXPECT_EQ(Expand("\"$PWD '$PWD'\""), "/home '/home'");
  EXPECT_EQ(Expand("\"\\\"\\$PWD\\\\\""), "\"$PWD\\");
  EXPECT_EQ(Expand("\"a\\tb\""), "a\\tb");  // other escapes stay literal
  EXPECT_EQ(Expand("\"${X:-\"in\"}\""), "in");
  EXPECT_EQ(Expand("\"abc\\\""),
            "error: failed to process \"\\\"abc\\\\\\\"\": unexpected end of "
            "statement while looking for matching double-quote");
}

TEST(QuotingTest, EscapesOutsideQuotes) {
  EXPECT_EQ(Expand("a\\ b\\$PWD\\'\\\"\\\\"), "a b$PWD'\"\\");
  EXPECT_EQ(Expand("\\t\\한"), "t한");
  EXPECT_EQ(Expand("trailing\\"), "trailing");
  EXPECT_EQ(Expand("\\${PWD}"), "${PWD}");
}

TEST(QuotingTest, BacktickEscapeToken) {
  const LexerOptions backtick{.escape = '`'};
  EXPECT_EQ(Expand("C:\\Users\\$PWD", backtick), "C:\\Users\\/home");
  EXPECT_EQ(Expand("`$PWD `` `a", backtick), "$PWD ` a");
  EXPECT_EQ(Expand("\"`\"`$x`a\"", backtick), "\"$x`a");
  EXPECT_EQ(Expand("\"C:\\dir\\\"", backtick), "C:\\dir\\");
  EXPECT_EQ(Expand("${X:-a`}b}", backtick), "a}b");
  EXPECT_EQ(Expand("end`", backtick), "end");
  EXPECT_EQ(Split("a` b c", backtick), (Words{"a b", "c"}));
}

TEST(QuotingTest, ProcessWordKeepsBlanks) {
  EXPECT_EQ(Expand("  a \t b  $SPACE "), "  a \t b  a  b ");
}

TEST(QuotingTest, ProcessWordsSplitsAtUnquotedBlanks) {
  EXPECT_EQ(Split("  a \t b\n c  "), (Words{"a", "b", "c"}));
  EXPECT_EQ(Split("x$SPACE\"$SPACE\"y"), (Words{"xa", "ba  by"}));
  EXPECT_EQ(Split("'a  b' \"\" '' c\\ d"), (Words{"a  b", "c d"}));
  EXPECT_EQ(Split("$EMPTY $UNSET"), Words{});
  EXPECT_EQ(Split("pre${X:-a b}post"), (Words{"prea", "bpost"}));
  EXPECT_EQ(Split("a\u00a0b\u3000c"), (Words{"a", "b", "c"}));  // Unicode
  EXPECT_EQ(Split("\"unterminated"),
            Words{"error: failed to process \"\\\"unterminated\": unexpected "
                  "end of statement while looking for matching double-quote"});
}

TEST(QuotingTest, HeredocOperatorStaysOneWord) {
  EXPECT_EQ(Split("cat <<  EOF > f"), (Words{"cat", "<<  EOF", ">", "f"}));
  EXPECT_EQ(Split("a<b"), (Words{"a<b"}));
  EXPECT_EQ(Expand("cat <<  EOF"), "cat <<  EOF");
}

TEST(QuotingTest, SkipProcessQuotes) {
  const LexerOptions options{.skip_process_quotes = true};
  EXPECT_EQ(Expand("echo '$PWD' \"$PWD\" \\$PWD", options),
            "echo '/home' \"/home\" $PWD");
  EXPECT_EQ(Expand("it's", options), "it's");
  EXPECT_EQ(Split("'a b'", options), (Words{"'a", "b'"}));
}

TEST(QuotingTest, RawQuotes) {
  const LexerOptions options{.raw_quotes = true};
  EXPECT_EQ(Expand("'$PWD' \"$PWD\" \\\"", options), "'$PWD' \"/home\" \"");
  EXPECT_EQ(Split("<<\"EOF\" 'a b'", options), (Words{"<<\"EOF\"", "'a b'"}));
}

TEST(QuotingTest, RawEscapes) {
  const LexerOptions options{.raw_escapes = true};
  EXPECT_EQ(Expand("a\\ b \\$PWD \"\\\"\\x\"", options),
            "a\\ b \\$PWD \\\"\\x");
  EXPECT_EQ(Split("a\\ b c", options), (Words{"a\\ b", "c"}));
}

TEST(QuotingTest, SkipUnsetEnvLeavesUndefinedAsWritten) {
  const LexerOptions options{.skip_unset_env = true};
  EXPECT_EQ(Expand("$PWD $X ${X} ${X:-d} ${X+a} ${X?m}", options),
            "/home $X ${X} ${X:-d} ${X+a} ${X?m}");
  EXPECT_EQ(Expand("${X#a*} ${X%%b} ${X/a/b} ${X//a/$PWD}", options),
            "${X#a*} ${X%%b} ${X/a/b} ${X//a//home}");
  EXPECT_EQ(Expand("${EMPTY:-d} $1 $", options), "d $1 $");
}

TEST(QuotingTest, RunDisplayNameOptions) {
  // How BuildKit names a RUN step: quotes kept, unknown variables kept.
  const LexerOptions options{.raw_quotes = true, .skip_unset_env = true};
  EXPECT_EQ(Expand("echo \"$PWD\" '$PWD' $HOME", options),
            "echo \"/home\" '$PWD' $HOME");
}

}  // namespace
}  // namespace zlayer::shell
