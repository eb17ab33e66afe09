#include "dockerfile/parser.h"

#include <gtest/gtest.h>

namespace zlayer::dockerfile {
namespace {

ParseResult MustParse(std::string_view text) {
  auto parsed = Parse(text);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return parsed ? std::move(*parsed) : ParseResult{};
}

std::string ParseError(std::string_view text) {
  auto parsed = Parse(text);
  if (parsed) return "parsed: " + Dump(*parsed);
  return parsed.error().message();
}

TEST(ParserTest, KeepsSourcePositionsAcrossContinuations) {
  ParseResult r = MustParse(
      "FROM busybox\n"
      "\n"
      "RUN echo a \\\n"
      "  # a comment inside\n"
      "  && echo b\n"
      "COPY . /src\n");
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes[0].start_line, 1);
  EXPECT_EQ(r.nodes[1].start_line, 3);
  EXPECT_EQ(r.nodes[1].end_line, 5);
  EXPECT_EQ(r.nodes[1].args, std::vector<std::string>{"echo a   && echo b"});
  EXPECT_EQ(r.nodes[2].start_line, 6);
}

TEST(ParserTest, EmptyContinuationLineIsAWarningNotAnError) {
  ParseResult r = MustParse("FROM a\nRUN echo \\\n\n  b\n");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.nodes[1].args[0], "echo   b");
}

TEST(ParserTest, EscapeDirectiveSwitchesContinuationToken) {
  ParseResult r = MustParse(
      "# escape=`\n"
      "FROM windows\n"
      "RUN dir c:\\ `\n"
      "    /s\n");
  EXPECT_EQ(r.escape_token, '`');
  EXPECT_EQ(r.nodes[1].args[0], "dir c:\\     /s");
}

TEST(ParserTest, DirectivesAreRecordedAndOnlyAtTheTop) {
  ParseResult r = MustParse(
      "# syntax=docker/dockerfile:1\n"
      "# check=skip=all\n"
      "FROM a\n"
      "# escape=`\n"
      "RUN x \\\n"
      " y\n");
  EXPECT_EQ(r.syntax, "docker/dockerfile:1");
  EXPECT_EQ(r.check, "skip=all");
  EXPECT_EQ(r.escape_token, '\\');
  EXPECT_EQ(r.nodes[1].args[0], "x  y");
}

TEST(ParserTest, RepeatedDirectiveIsAnError) {
  EXPECT_EQ(ParseError("# escape=`\n# escape=\\\nFROM a\n"),
            "Dockerfile:2: only one escape parser directive can be used");
}

TEST(ParserTest, InvalidEscapeTokenIsAnError) {
  EXPECT_EQ(ParseError("# escape=x\nFROM a\n"),
            "Dockerfile:1: invalid escape token 'x' does not match ` or \\");
}

TEST(ParserTest, ByteOrderMarkIsIgnored) {
  ParseResult r = MustParse(
      "\xEF\xBB\xBF"
      "FROM a\n");
  EXPECT_EQ(r.nodes[0].keyword, "FROM");
}

TEST(ParserTest, FlagsAreSplitFromArguments) {
  ParseResult r = MustParse(
      "FROM a\n"
      "COPY --from=build --chown=\"1:1\" -- --weird /dst\n"
      "RUN --mount=type=cache,target=/root/.cache --network=none make\n");
  EXPECT_EQ(r.nodes[1].flags,
            (std::vector<std::string>{"--from=build", "--chown=1:1"}));
  EXPECT_EQ(r.nodes[1].args, (std::vector<std::string>{"--weird", "/dst"}));
  EXPECT_EQ(r.nodes[2].flags,
            (std::vector<std::string>{"--mount=type=cache,target=/root/.cache",
                                      "--network=none"}));
  EXPECT_EQ(r.nodes[2].args, std::vector<std::string>{"make"});
}

TEST(ParserTest, JsonFormsAndFallbacks) {
  ParseResult r = MustParse(
      "FROM a\n"
      "CMD [\"a\", \"b\"]\n"
      "CMD [\"a\", \"b\"] trailing\n"
      "VOLUME /a /b\n"
      "SHELL [\"/bin/bash\", \"-c\"]\n");
  EXPECT_TRUE(r.nodes[1].json);
  EXPECT_EQ(r.nodes[1].args, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(r.nodes[2].json);
  EXPECT_EQ(r.nodes[2].args[0], "[\"a\", \"b\"] trailing");
  EXPECT_EQ(r.nodes[3].args, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_TRUE(r.nodes[4].json);
}

TEST(ParserTest, NestedJsonIsAnError) {
  EXPECT_EQ(ParseError("FROM a\nRUN [\"a\", 1]\n"),
            "Dockerfile:2: when using JSON array syntax, arrays must be "
            "comprised of strings only");
}

TEST(ParserTest, LabelWithoutEqualsNeedsAValue) {
  EXPECT_EQ(ParseError("FROM a\nLABEL x\n"),
            "Dockerfile:2: LABEL must have two arguments");
  EXPECT_EQ(ParseError("FROM a\nENV a=b c\n"),
            "Dockerfile:2: Syntax error - can't find = in \"c\". Must be of "
            "the form: name=value");
}

TEST(ParserTest, UnknownInstructionsParseAndAreLeftToTheInstructionLayer) {
  ParseResult r = MustParse("FROM a\nRNU make\n");
  EXPECT_EQ(DumpNode(r.nodes[1]), "rnu \"\"");
}

TEST(ParserTest, OnbuildHoldsItsTrigger) {
  ParseResult r = MustParse("FROM a\nONBUILD COPY --from=x . /\n");
  ASSERT_EQ(r.nodes[1].sub.size(), 1u);
  EXPECT_EQ(DumpNode(r.nodes[1]), "onbuild (copy [\"--from=x\"] \".\" \"/\")");
}

TEST(ParserTest, OverlongLineIsRejected) {
  std::string text = "FROM a\nRUN " + std::string(70000, 'x') + "\n";
  EXPECT_EQ(ParseError(text),
            "Dockerfile:2: dockerfile line greater than max allowed size of "
            "65535");
}

TEST(ParserTest, ErrorsNameTheGivenFile) {
  auto parsed = Parse("FROM a\nENV\tPATH\n", "app/Containerfile");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message(),
            "app/Containerfile:2: ENV must have two arguments");
}

// Heredocs.

TEST(HeredocTest, RunWithHeredoc) {
  ParseResult r = MustParse(
      "FROM a\n"
      "RUN <<EOF\n"
      "echo hi\n"
      "echo there\n"
      "EOF\n"
      "RUN true\n");
  ASSERT_EQ(r.nodes.size(), 3u);
  ASSERT_EQ(r.nodes[1].heredocs.size(), 1u);
  const Heredoc& h = r.nodes[1].heredocs[0];
  EXPECT_EQ(h.name, "EOF");
  EXPECT_EQ(h.content, "echo hi\necho there\n");
  EXPECT_TRUE(h.expand);
  EXPECT_FALSE(h.chomp);
  EXPECT_EQ(r.nodes[1].start_line, 2);
  EXPECT_EQ(r.nodes[1].end_line, 5);
  EXPECT_EQ(r.nodes[2].start_line, 6);
}

TEST(HeredocTest, ChompStripsTabsBeforeTheDelimiter) {
  ParseResult r = MustParse(
      "FROM a\n"
      "RUN <<-EOT\n"
      "\techo hi\n"
      "\tEOT\n");
  const Heredoc& h = r.nodes[1].heredocs.at(0);
  EXPECT_TRUE(h.chomp);
  EXPECT_EQ(h.content, "\techo hi\n");
  EXPECT_EQ(ChompHeredocContent(h.content), "echo hi\n");
}

TEST(HeredocTest, QuotedDelimiterDisablesExpansion) {
  ParseResult r = MustParse(
      "FROM a\n"
      "RUN <<'EOF'\n$HOME\nEOF\n"
      "RUN <<\"EOF\"\n$HOME\nEOF\n"
      "RUN <<E\"O\"F\n$HOME\nEOF\n");
  for (int i = 1; i <= 3; ++i) {
    const Heredoc& h = r.nodes[i].heredocs.at(0);
    EXPECT_EQ(h.name, "EOF") << i;
    EXPECT_FALSE(h.expand) << i;
    EXPECT_EQ(h.content, "$HOME\n") << i;
  }
}

TEST(HeredocTest, SeveralHeredocsOnOneLine) {
  ParseResult r = MustParse(
      "FROM a\n"
      "COPY <<FILE1 <<FILE2 /dest/\n"
      "one\n"
      "FILE1\n"
      "two\n"
      "FILE2\n");
  const Node& copy = r.nodes[1];
  ASSERT_EQ(copy.heredocs.size(), 2u);
  EXPECT_EQ(copy.heredocs[0].name, "FILE1");
  EXPECT_EQ(copy.heredocs[0].content, "one\n");
  EXPECT_EQ(copy.heredocs[1].name, "FILE2");
  EXPECT_EQ(copy.heredocs[1].content, "two\n");
  EXPECT_EQ(copy.args,
            (std::vector<std::string>{"<<FILE1", "<<FILE2", "/dest/"}));
}

TEST(HeredocTest, FileDescriptorPrefix) {
  ParseResult r = MustParse("FROM a\nRUN python3 3<<EOF\nprint(1)\nEOF\n");
  const Heredoc& h = r.nodes[1].heredocs.at(0);
  EXPECT_EQ(h.file_descriptor, 3u);
  EXPECT_EQ(h.name, "EOF");
}

TEST(HeredocTest, NotInExecFormOrOtherInstructions) {
  ParseResult r = MustParse(
      "FROM a\n"
      "RUN [\"cat\", \"<<EOF\"]\n"
      "ENV a=<<EOF\n");
  EXPECT_TRUE(r.nodes[1].heredocs.empty());
  EXPECT_TRUE(r.nodes[2].heredocs.empty());
  EXPECT_EQ(r.nodes.size(), 3u);
}

TEST(HeredocTest, OnbuildTriggerMayHoldAHeredoc) {
  ParseResult r = MustParse("FROM a\nONBUILD RUN <<EOF\necho x\nEOF\n");
  ASSERT_EQ(r.nodes.size(), 2u);
  ASSERT_EQ(r.nodes[1].heredocs.size(), 1u);
  EXPECT_EQ(r.nodes[1].heredocs[0].content, "echo x\n");
}

TEST(HeredocTest, UnterminatedHeredocIsAnError) {
  EXPECT_EQ(ParseError("FROM a\nRUN <<EOF\necho\n"),
            "Dockerfile:2: unterminated heredoc");
}

TEST(HeredocTest, ShiftOperatorInsideAWordIsNotAHeredoc) {
  ParseResult r = MustParse("FROM a\nRUN echo $((1<<2))\nRUN true\n");
  EXPECT_TRUE(r.nodes[1].heredocs.empty());
  EXPECT_EQ(r.nodes.size(), 3u);
}

TEST(HeredocTest, SpacedShiftOperatorOpensAHeredocAsInBuildkit) {
  // BuildKit reads `<< 2))` as a heredoc delimited by "2))"; so do we.
  ParseResult r = MustParse("FROM a\nRUN echo $((1 << 2))\nx\n2))\n");
  ASSERT_EQ(r.nodes[1].heredocs.size(), 1u);
  EXPECT_EQ(r.nodes[1].heredocs[0].name, "2))");
  EXPECT_EQ(r.nodes[1].heredocs[0].content, "x\n");
}

}  // namespace
}  // namespace zlayer::dockerfile
