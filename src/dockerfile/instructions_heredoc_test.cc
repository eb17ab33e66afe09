// Heredocs in RUN, COPY and ADD, and how a heredoc RUN is executed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dockerfile/instructions.h"
#include "dockerfile/instructions_testing.h"
#include "dockerfile/run_heredoc.h"

namespace zlayer::dockerfile {
namespace {

using testing::ParseAs;
using testing::ParseError;

struct CopyCase {
  std::string dockerfile;
  SourcesAndDest want;
};

TEST(CopyHeredocTest, InlineSources) {
  const std::vector<CopyCase> cases = {
      {"COPY /foo /bar", {"/bar", {"/foo"}, {}}},
      {"COPY <<EOF /bar\nEOF", {"/bar", {}, {{"EOF", "", true}}}},
      {"COPY <<EOF /bar\nTESTING\nEOF",
       {"/bar", {}, {{"EOF", "TESTING\n", true}}}},
      {"COPY <<-EOF /bar\n\tTESTING\nEOF",
       {"/bar", {}, {{"EOF", "TESTING\n", true}}}},
      {"COPY <<'EOF' /bar\nTESTING\nEOF",
       {"/bar", {}, {{"EOF", "TESTING\n", false}}}},
      {"COPY <<\"EOF\" /bar\n$HOME\nEOF",
       {"/bar", {}, {{"EOF", "$HOME\n", false}}}},
      {"COPY <<-'EOF' /bar\n\t\tx\n\ty\nEOF",
       {"/bar", {}, {{"EOF", "x\ny\n", false}}}},
      {"COPY <<EOF1 <<EOF2 /bar\nthis is the first file\nEOF1\nthis is the "
       "second file\nEOF2",
       {"/bar",
        {},
        {{"EOF1", "this is the first file\n", true},
         {"EOF2", "this is the second file\n", true}}}},
      {"COPY <<EOF foo.txt /bar\nthis is inline\nEOF",
       {"/bar", {"foo.txt"}, {{"EOF", "this is inline\n", true}}}},
      {"COPY <<EOF /quotes\n\"quotes\"\nEOF",
       {"/quotes", {}, {{"EOF", "\"quotes\"\n", true}}}},
  };
  for (const CopyCase& c : cases) {
    EXPECT_EQ(ParseAs<CopyCommand>(c.dockerfile).files, c.want) << c.dockerfile;
  }
}

TEST(CopyHeredocTest, HeredocDestinationIsAnError) {
  EXPECT_EQ(ParseError("COPY /foo <<EOF\nEOF"),
            "Dockerfile:1: COPY cannot accept a heredoc as a destination");
  EXPECT_EQ(ParseError("ADD /foo <<EOF\nEOF"),
            "Dockerfile:1: ADD cannot accept a heredoc as a destination");
}

TEST(AddHeredocTest, InlineSourcesWithFlags) {
  auto add = ParseAs<AddCommand>(
      "ADD --chmod=755 <<EOF /usr/local/bin/hello\n#!/bin/sh\necho hi\nEOF\n");
  EXPECT_EQ(add.chmod, "755");
  EXPECT_EQ(add.files.dest_path, "/usr/local/bin/hello");
  EXPECT_EQ(
      add.files.source_contents,
      (std::vector<SourceContent>{{"EOF", "#!/bin/sh\necho hi\n", true}}));
  EXPECT_EQ(add.location, (SourceRange{1, 4}));
}

struct RunCase {
  std::string dockerfile;
  bool shell;
  std::vector<std::string> command;
  std::vector<ShellInlineFile> files;
};

TEST(RunHeredocTest, CommandAndFiles) {
  const std::vector<RunCase> cases = {
      {"RUN [\"ls\", \"/\"]", false, {"ls", "/"}, {}},
      {"RUN [\"<<EOF\"]", false, {"<<EOF"}, {}},
      {"RUN ls /", true, {"ls /"}, {}},
      {"RUN <<EOF\nls /\nwhoami\nEOF",
       true,
       {"<<EOF"},
       {{"EOF", "ls /\nwhoami\n", false}}},
      {"RUN <<'EOF' | python\nprint(\"hello\")\nprint(\"world\")\nEOF",
       true,
       {"<<'EOF' | python"},
       {{"EOF", "print(\"hello\")\nprint(\"world\")\n", false}}},
      {"RUN <<-EOF\n\techo test\nEOF",
       true,
       {"<<-EOF"},
       {{"EOF", "\techo test\n", true}}},
      {"RUN 3<<EOF cat /dev/fd/3\nx\nEOF",
       true,
       {"3<<EOF cat /dev/fd/3"},
       {{"EOF", "x\n", false}}},
      {"RUN cat <<A && cat <<\"B\"\none\nA\ntwo\nB",
       true,
       {"cat <<A && cat <<\"B\""},
       {{"A", "one\n", false}, {"B", "two\n", false}}},
  };
  for (const RunCase& c : cases) {
    auto run = ParseAs<RunCommand>(c.dockerfile);
    EXPECT_EQ(run.command.prepend_shell, c.shell) << c.dockerfile;
    EXPECT_EQ(run.command.cmd_line, c.command) << c.dockerfile;
    EXPECT_EQ(run.command.files, c.files) << c.dockerfile;
  }
}

TEST(RunHeredocTest, MountsAndHeredocTogether) {
  auto run = ParseAs<RunCommand>(
      "RUN --mount=type=cache,target=/c <<EOF\nmake\nEOF\n");
  EXPECT_EQ(run.mount_specs, std::vector<std::string>{"type=cache,target=/c"});
  EXPECT_EQ(run.command.cmd_line, std::vector<std::string>{"<<EOF"});
  EXPECT_EQ(run.location, (SourceRange{1, 3}));
}

RunInvocation MustPlan(std::string_view dockerfile, bool windows = false) {
  Result<RunInvocation> plan =
      PlanRunInvocation(ParseAs<RunCommand>(dockerfile), windows);
  EXPECT_TRUE(plan) << plan.error().message();
  return plan ? *plan : RunInvocation{};
}

TEST(RunInvocationTest, PlainCommandsPassThrough) {
  RunInvocation plan = MustPlan("RUN echo hi");
  EXPECT_EQ(plan.args, std::vector<std::string>{"echo hi"});
  EXPECT_FALSE(plan.script);
  EXPECT_EQ(plan.summary, "");
  EXPECT_EQ(MustPlan("RUN [\"a\", \"b\"]").args,
            (std::vector<std::string>{"a", "b"}));
}

TEST(RunInvocationTest, SingleHeredocRunsItsBody) {
  RunInvocation plan = MustPlan("RUN <<-EOF\n\techo a\n\techo b\nEOF");
  EXPECT_EQ(plan.args, std::vector<std::string>{"echo a\necho b\n"});
  EXPECT_FALSE(plan.script);
  EXPECT_EQ(plan.summary, " (echo a...)");
}

TEST(RunInvocationTest, ShebangBecomesScriptFile) {
  RunInvocation plan =
      MustPlan("RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF");
  EXPECT_EQ(plan.args, std::vector<std::string>{"/dev/pipes/EOF"});
  ASSERT_TRUE(plan.script);
  EXPECT_EQ(plan.script->name, "EOF");
  EXPECT_EQ(plan.script->data, "#!/usr/bin/env python3\nprint(1)\n");
  // Windows has no shebangs: the body goes to the shell.
  RunInvocation windows =
      MustPlan("RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF", true);
  EXPECT_FALSE(windows.script);
  EXPECT_EQ(windows.args,
            std::vector<std::string>{"#!/usr/bin/env python3\nprint(1)\n"});
}

TEST(RunInvocationTest, ComplexHeredocsAreReattached) {
  RunInvocation plan = MustPlan("RUN python3 <<EOF > /out\nprint(1)\nEOF\n");
  EXPECT_EQ(plan.args,
            std::vector<std::string>{"python3 <<EOF > /out\nprint(1)\nEOF"});
  EXPECT_EQ(plan.summary, "");
}

TEST(RunInvocationTest, RejectsImpossibleShapes) {
  RunCommand run;
  run.command.cmd_line = {"a", "b"};
  run.command.files = {{"EOF", "x\n", false}};
  Result<RunInvocation> plan = PlanRunInvocation(run, false);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message(),
            "parsing produced an invalid run command: [a b]");
}

}  // namespace
}  // namespace zlayer::dockerfile
