// FROM, ONBUILD, the config instructions and the error format. RUN-like
// instructions are in instructions_exec_test.cc, ADD/COPY in
// instructions_files_test.cc.
#include "dockerfile/instructions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dockerfile/instructions_parse.h"
#include "dockerfile/instructions_testing.h"

namespace zlayer::dockerfile {
namespace {

using testing::ParseAs;
using testing::ParseError;

TEST(InstructionsTest, ExactlyOneArgument) {
  for (const char* command : {"MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"}) {
    EXPECT_EQ(ParseError(command), "Dockerfile:1: " + std::string(command) +
                                       " requires exactly one argument");
  }
}

TEST(InstructionsTest, AtLeastOneArgument) {
  for (const char* command :
       {"ENV", "LABEL", "ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME"}) {
    EXPECT_EQ(ParseError(command), "Dockerfile:1: " + std::string(command) +
                                       " requires at least one argument");
  }
}

TEST(InstructionsTest, KeyValueTriplesFromHandBuiltNodes) {
  for (const char* command : {"ENV", "LABEL"}) {
    Node node{.keyword = command, .args = {"arg1", "arg2", "arg3", ""}};
    node.start_line = 4;
    Result<Instruction> parsed = ParseInstruction(node);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().message(),
              "Dockerfile:4: " + std::string(command) + ": Bad input to " +
                  command + ", too many arguments");
    node.args = {"", "arg2", "="};
    parsed = ParseInstruction(node);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(
        parsed.error().message(),
        "Dockerfile:4: " + std::string(command) + " names can not be blank");
  }
}

TEST(InstructionsTest, ErrorsNameFileLineAndInstruction) {
  Result<ParseResult> tree =
      Parse("FROM scratch\n\n\n\n\n\nCOPY --fromm=build /a /b\n", "app.df");
  ASSERT_TRUE(tree);
  Result<Instruction> parsed = ParseInstruction(tree->nodes[1], "app.df");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(),
            "app.df:7: COPY: unknown flag --fromm (did you mean --from?)");
  EXPECT_EQ(parsed.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(ParseError("copy --chwon=1 a b"),
            "Dockerfile:1: COPY: unknown flag --chwon (did you mean --chown?)");
}

TEST(InstructionsTest, UnknownInstructionSuggestsCloseOne) {
  Result<ParseResult> tree = Parse("FROM a\n\nRNU make\n");
  ASSERT_TRUE(tree);
  Result<Instruction> parsed = ParseInstruction(tree->nodes[1]);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(),
            "Dockerfile:3: unknown instruction: RNU (did you mean RUN?)");
  EXPECT_EQ(ParseError("FOO bar"),
            "Dockerfile:1: unknown instruction: FOO (did you mean FROM?)");
  EXPECT_EQ(ParseError("foo bar"),
            "Dockerfile:1: unknown instruction: foo (did you mean from?)");
  EXPECT_EQ(ParseError("XYZZY bar"),
            "Dockerfile:1: unknown instruction: XYZZY");
  EXPECT_EQ(ParseError("copyy a b"),
            "Dockerfile:1: unknown instruction: copyy (did you mean copy?)");
}

TEST(InstructionsTest, KeepsSourceAndLocation) {
  auto env = ParseAs<EnvCommand>("env A=1 \\\n  B=2\n");
  EXPECT_EQ(env.keyword, "env");
  EXPECT_EQ(env.location, (SourceRange{1, 2}));
  EXPECT_FALSE(env.code.empty());
  EXPECT_EQ(env.code.substr(0, 7), "env A=1");
}

TEST(InstructionsTest, FromForms) {
  auto plain = ParseAs<FromCommand>("FROM alpine:3.19");
  EXPECT_EQ(plain.base_name, "alpine:3.19");
  EXPECT_EQ(plain.name, "");
  EXPECT_EQ(plain.platform, "");

  auto named = ParseAs<FromCommand>(
      "FROM --platform=$BUILDPLATFORM golang:1.22 aS Build-Env.1_x");
  EXPECT_EQ(named.base_name, "golang:1.22");
  EXPECT_EQ(named.name, "build-env.1_x");
  EXPECT_EQ(named.platform, "$BUILDPLATFORM");
}

TEST(InstructionsTest, FromErrors) {
  EXPECT_EQ(ParseError("FROM a b"),
            "Dockerfile:1: FROM requires either one or three arguments");
  EXPECT_EQ(ParseError("FROM a to b"),
            "Dockerfile:1: FROM requires either one or three arguments");
  EXPECT_EQ(ParseError("FROM a AS 1st"),
            "Dockerfile:1: FROM: invalid name for build stage: \"1st\", name "
            "can't start with a number or contain symbols");
  EXPECT_EQ(ParseError("FROM a AS my$stage"),
            "Dockerfile:1: FROM: invalid name for build stage: \"my$stage\", "
            "name can't start with a number or contain symbols");
  EXPECT_EQ(ParseError("FROM --platfrom=x a"),
            "Dockerfile:1: FROM: unknown flag --platfrom (did you mean "
            "--platform?)");
}

TEST(InstructionsTest, EnvAndLabelPairs) {
  auto env = ParseAs<EnvCommand>("ENV a=1 b=\"two words\"");
  EXPECT_EQ(env.env, (std::vector<KeyValuePair>{
                         {"a", "1", false}, {"b", "\"two words\"", false}}));
  auto legacy = ParseAs<EnvCommand>("ENV name some value");
  EXPECT_EQ(legacy.env,
            (std::vector<KeyValuePair>{{"name", "some value", true}}));
  auto label = ParseAs<LabelCommand>("LABEL org.x=\"y\" version=1");
  EXPECT_EQ(label.labels, (std::vector<KeyValuePair>{{"org.x", "\"y\"", false},
                                                     {"version", "1", false}}));
  EXPECT_EQ(ParseError("ENV --x=1 a=b"), "Dockerfile:1: ENV: unknown flag --x");
}

TEST(InstructionsTest, ArgSeveralPerLine) {
  auto arg = ParseAs<ArgCommand>("ARG a b=2 c=\"x y\" d=");
  ASSERT_EQ(arg.args.size(), 4u);
  EXPECT_EQ(arg.args[0], (KeyValuePairOptional{"a", std::nullopt, ""}));
  EXPECT_EQ(arg.args[1], (KeyValuePairOptional{"b", "2", ""}));
  // Quotes go when the planner expands the default, as in BuildKit.
  EXPECT_EQ(arg.args[2], (KeyValuePairOptional{"c", "\"x y\"", ""}));
  EXPECT_EQ(arg.args[3], (KeyValuePairOptional{"d", "", ""}));
  EXPECT_EQ(ParseError("ARG =x"), "Dockerfile:1: ARG names can not be blank");
  EXPECT_EQ(ParseError("ARG"),
            "Dockerfile:1: ARG requires at least one argument");
}

TEST(InstructionsTest, SingleWordInstructions) {
  EXPECT_EQ(ParseAs<WorkdirCommand>("WORKDIR /app/$DIR").path, "/app/$DIR");
  EXPECT_EQ(ParseAs<UserCommand>("USER app:app").user, "app:app");
  EXPECT_EQ(ParseAs<StopSignalCommand>("STOPSIGNAL SIGTERM").signal, "SIGTERM");
  EXPECT_EQ(ParseAs<MaintainerCommand>("MAINTAINER Jane <j@x.org>").maintainer,
            "Jane <j@x.org>");
  EXPECT_EQ(ParseError("MAINTAINER --boo joe@example.com"),
            "Dockerfile:1: MAINTAINER: unknown flag --boo");
  EXPECT_EQ(ParseError("USER --x=1 me"),
            "Dockerfile:1: USER: unknown flag --x");
}

TEST(InstructionsTest, ExposeKeepsWordsSorted) {
  auto expose = ParseAs<ExposeCommand>("EXPOSE 8080 443/tcp 53/udp 9000-9002");
  EXPECT_EQ(expose.ports, (std::vector<std::string>{"443/tcp", "53/udp", "8080",
                                                    "9000-9002"}));
}

TEST(InstructionsTest, VolumeJsonAndPlain) {
  EXPECT_EQ(ParseAs<VolumeCommand>("VOLUME /a /b").volumes,
            (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(ParseAs<VolumeCommand>("VOLUME [\"/data\", \" /logs \"]").volumes,
            (std::vector<std::string>{"/data", "/logs"}));
  EXPECT_EQ(ParseError("VOLUME [\"/a\", \" \"]"),
            "Dockerfile:1: VOLUME specified can not be an empty string");
}

TEST(InstructionsTest, OnbuildStoresTrigger) {
  auto onbuild = ParseAs<OnbuildCommand>("  onbuild   RUN echo \"hi\"");
  EXPECT_EQ(onbuild.trigger, "RUN");
  EXPECT_EQ(onbuild.expression, "RUN echo \"hi\"");
  auto lower = ParseAs<OnbuildCommand>("ONBUILD copy . /app");
  EXPECT_EQ(lower.trigger, "COPY");
  EXPECT_EQ(lower.expression, "copy . /app");
  auto heredoc =
      ParseAs<OnbuildCommand>("ONBUILD RUN <<EOF\necho a\necho b\nEOF\n");
  EXPECT_EQ(heredoc.expression, "RUN <<EOF\necho a\necho b\nEOF");
  EXPECT_EQ(heredoc.location, (SourceRange{1, 4}));
}

TEST(InstructionsTest, OnbuildForbiddenTriggers) {
  EXPECT_EQ(ParseError("ONBUILD ONBUILD RUN touch foobar"),
            "Dockerfile:1: ONBUILD: Chaining ONBUILD via `ONBUILD ONBUILD` "
            "isn't allowed");
  EXPECT_EQ(ParseError("ONBUILD FROM scratch"),
            "Dockerfile:1: ONBUILD: FROM isn't allowed as an ONBUILD trigger");
  EXPECT_EQ(ParseError("onbuild maintainer me"),
            "Dockerfile:1: ONBUILD: MAINTAINER isn't allowed as an ONBUILD "
            "trigger");
}

TEST(InstructionsTest, LintWarnings) {
  Result<ParseResult> tree =
      Parse("FROM a AS Build\nfrom b AS c\nMAINTAINER me\nFROM c as d\n");
  ASSERT_TRUE(tree);
  std::vector<Warning> warnings;
  for (const Node& node : tree->nodes) {
    ASSERT_TRUE(ParseInstruction(node, "Dockerfile", &warnings));
  }
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[0].message,
            "StageNameCasing: Stage name 'Build' should be lowercase");
  EXPECT_EQ(warnings[0].line, 1);
  EXPECT_EQ(warnings[1].message,
            "FromAsCasing: 'AS' and 'from' keywords' casing do not match");
  EXPECT_EQ(warnings[2].message,
            "MaintainerDeprecated: Maintainer instruction is deprecated in "
            "favor of using label");
  EXPECT_EQ(warnings[3].message,
            "FromAsCasing: 'as' and 'FROM' keywords' casing do not match");
  EXPECT_EQ(warnings[3].line, 4);
}

}  // namespace
}  // namespace zlayer::dockerfile
