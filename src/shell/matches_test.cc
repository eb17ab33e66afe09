// Which variables a word reports as matched (defined) and unmatched.
// Most cases come from BuildKit's TestProcessWithMatches.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "shell/lexer.h"
#include "shell/variables.h"

namespace zlayer::shell {
namespace {

using Names = std::set<std::string>;

struct MatchCase {
  std::string input;
  VariableMap vars;
  std::string expected;
  Names matched;
  Names unmatched;
};

const VariableMap kFooBar = {{"FOO", "xxx"}, {"BAR", ""}};

std::vector<MatchCase> Cases() {
  return {
      {"x", {{"DUMMY", "dummy"}}, "x", {}, {}},
      {"x ${UNUSED}", {{"DUMMY", "dummy"}}, "x ", {}, {"UNUSED"}},
      {"x ${FOO}", {{"FOO", "y"}}, "x y", {"FOO"}, {}},
      {"${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
       kFooBar,
       "xxx  ccc",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
       kFooBar,
       "xxx bbb ccc",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO:-}", kFooBar, "xxx", {"FOO"}, {}},
      {"${FOO:-}", {}, "", {}, {"FOO"}},
      {"${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
       kFooBar,
       "aaa bbb ",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
       kFooBar,
       "aaa  ",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO?aaa}", kFooBar, "xxx", {"FOO"}, {}},
      {"${BAR?bbb}", kFooBar, "", {"BAR"}, {}},
      {"${FOO:?aaa}", kFooBar, "xxx", {"FOO"}, {}},
      {"${FOO#()[]{\\}^$.\\*\\?|\\\\}",
       {{"FOO", "()[]{}^$.*?|\\x"}},
       "x",
       {"FOO"},
       {}},
      {"${FOO%%\\**}", {{"FOO", "xx**"}}, "xx", {"FOO"}, {}},
      {"${FOO#*x*y}", {{"FOO", "xxyy"}}, "y", {"FOO"}, {}},
      {"${FOO#$BAR}",
       {{"FOO", "xxyy"}, {"BAR", "x"}},
       "xyy",
       {"FOO", "BAR"},
       {}},
      {"${FOO#$BAR}",
       {{"FOO", "xxyy"}, {"BAR", ""}},
       "xxyy",
       {"FOO", "BAR"},
       {}},
      {"${FOO##*x}", {{"FOO", "xxyy"}}, "yy", {"FOO"}, {}},
      {"${FOO#?\\?}", {{"FOO", "???y"}}, "?y", {"FOO"}, {}},
      {"${ABC:-.}${FOO%x}${ABC:-.}",
       {{"FOO", "xxyy"}},
       ".xxyy.",
       {"FOO"},
       {"ABC"}},
      {"${FOO%%$BAR}",
       {{"FOO", "xxyy"}, {"BAR", ""}},
       "xxyy",
       {"FOO", "BAR"},
       {}},
      {"${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
       {{"FOO", "/foo*/*/*.txt"}, {"NEEDLE", "\\*/"}},
       "/foo.*/*.txt - /foo..*.txt",
       {"FOO", "NEEDLE"},
       {}},
      {"${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
       {{"FOO", "/a/foo/b/c.txt"}, {"NEEDLE", "/?/"}, {"REPLACEMENT", "/"}},
       "/foo/b/c.txt - /foo/c.txt",
       {"FOO", "NEEDLE", "REPLACEMENT"},
       {}},
      {"${FOO/$NEEDLE/$REPLACEMENT}",
       {{"FOO", "http://google.de"},
        {"NEEDLE", "http://"},
        {"REPLACEMENT", "https://"}},
       "https://google.de",
       {"FOO", "NEEDLE", "REPLACEMENT"},
       {}},
      {"${FOO/$BAR/ww}",
       {{"FOO", "xxyy"}, {"BAR", ""}},
       "wwxxyy",
       {"FOO", "BAR"},
       {}},
      {"${FOO///}", {}, "", {}, {"FOO"}},
      // Quoted and special-parameter references count too.
      {"'$A' \"$B\" $1", {{"B", "b"}}, "$A b ", {"B"}, {"1"}},
  };
}

TEST(MatchesTest, ReportsDefinedAndUndefinedNames) {
  const Lexer lexer;
  for (const MatchCase& c : Cases()) {
    SCOPED_TRACE(c.input);
    const auto result = lexer.ProcessWord(c.input, c.vars);
    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->word, c.expected);
    EXPECT_EQ(result->matched, c.matched);
    EXPECT_EQ(result->unmatched, c.unmatched);
  }
}

TEST(MatchesTest, ReleaseFileNameWithOptionalVariant) {
  const std::string release =
      "something-${VERSION}.${TARGETOS}-${TARGETARCH}"
      "${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
  const Lexer lexer;
  VariableMap vars = {
      {"VERSION", "v1.2.3"}, {"TARGETOS", "linux"}, {"TARGETARCH", "arm64"}};
  auto result = lexer.ProcessWord(release, vars);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->word, "something-v1.2.3.linux-arm64.tar.gz");
  EXPECT_EQ(result->unmatched, Names{"TARGETVARIANT"});

  vars.Set("TARGETVARIANT", "");
  result = lexer.ProcessWord(release, vars);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->word, "something-v1.2.3.linux-arm64.tar.gz");
  EXPECT_TRUE(result->unmatched.empty());

  vars.Set("TARGETARCH", "arm");
  vars.Set("TARGETVARIANT", "v7");
  result = lexer.ProcessWord(release, vars);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->word, "something-v1.2.3.linux-arm-v7.tar.gz");
  EXPECT_EQ(result->matched,
            (Names{"TARGETARCH", "TARGETOS", "TARGETVARIANT", "VERSION"}));
}

TEST(MatchesTest, EachCallStartsAfresh) {
  const Lexer lexer;
  const VariableMap vars = {{"A", "1"}};
  ASSERT_TRUE(lexer.ProcessWord("$A $B", vars));
  const auto second = lexer.ProcessWord("$C", vars);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->matched.empty());
  EXPECT_EQ(second->unmatched, Names{"C"});
}

}  // namespace
}  // namespace zlayer::shell
