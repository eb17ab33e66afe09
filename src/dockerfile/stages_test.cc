#include "dockerfile/stages.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "dockerfile/instructions_parse.h"
#include "dockerfile/parser.h"

namespace zlayer::dockerfile {
namespace {

Dockerfile MustBuild(std::string_view text) {
  Result<Dockerfile> built = ParseDockerfile(text);
  EXPECT_TRUE(built) << built.error().message();
  return built ? std::move(*built) : Dockerfile{};
}

std::string BuildError(std::string_view text,
                       std::string_view filename = "Dockerfile") {
  Result<Dockerfile> built = ParseDockerfile(text, filename);
  return built ? "built" : built.error().message();
}

TEST(StagesTest, MetaArgsThenStages) {
  Dockerfile df = MustBuild(
      "ARG BASE=alpine\n"
      "ARG TAG\n"
      "FROM ${BASE}:${TAG} AS Builder\n"
      "ARG NAME=x\n"
      "RUN make\n"
      "FROM scratch\n"
      "COPY --from=builder /out /\n");
  ASSERT_EQ(df.meta_args.size(), 2u);
  EXPECT_EQ(df.meta_args[0].args[0].key, "BASE");
  EXPECT_EQ(df.meta_args[1].args[0].value, std::nullopt);
  ASSERT_EQ(df.stages.size(), 2u);
  EXPECT_EQ(df.stages[0].index, 0);
  EXPECT_EQ(df.stages[0].name, "builder");
  EXPECT_EQ(df.stages[0].base_name, "${BASE}:${TAG}");
  EXPECT_EQ(df.stages[0].commands.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ArgCommand>(df.stages[0].commands[0]));
  EXPECT_EQ(df.stages[1].index, 1);
  EXPECT_EQ(df.stages[1].name, "");
  EXPECT_EQ(df.stages[1].base_name, "scratch");
  EXPECT_EQ(df.stages[1].location, (SourceRange{6, 6}));
  EXPECT_EQ(df.stages[1].code, "FROM scratch");
}

TEST(StagesTest, FindStageByNameOrIndex) {
  Dockerfile df = MustBuild("FROM a AS Build\nFROM b\nFROM c AS final\n");
  ASSERT_NE(df.FindStage("BUILD"), nullptr);
  EXPECT_EQ(df.FindStage("build")->index, 0);
  EXPECT_EQ(df.FindStage("1")->base_name, "b");
  EXPECT_EQ(df.FindStage("final")->index, 2);
  EXPECT_EQ(df.FindStage("3"), nullptr);
  EXPECT_EQ(df.FindStage("-1"), nullptr);
  EXPECT_EQ(df.FindStage("missing"), nullptr);
}

TEST(StagesTest, PlatformPerStage) {
  Dockerfile df =
      MustBuild("FROM --platform=linux/arm64 alpine AS a\nFROM alpine\n");
  EXPECT_EQ(df.stages[0].platform, "linux/arm64");
  EXPECT_EQ(df.stages[1].platform, "");
}

TEST(StagesTest, InstructionBeforeFromOtherThanArg) {
  EXPECT_EQ(BuildError("ARG A\nRUN echo\nFROM a\n"),
            "Dockerfile:2: RUN: no build stage in current context");
}

TEST(StagesTest, OnlyMetaArgsHasNoStages) {
  EXPECT_EQ(BuildError("ARG A=1\n", "ctx/Dockerfile.dev"),
            "ctx/Dockerfile.dev: dockerfile contains no stages to build");
}

TEST(StagesTest, ErrorsCarryFilenameAndLine) {
  EXPECT_EQ(BuildError("FROM a\n\nCOPY --fromm=x a b\n", "build.df"),
            "build.df:3: COPY: unknown flag --fromm (did you mean --from?)");
  EXPECT_EQ(BuildError("FROM a\nRNU make\n"),
            "Dockerfile:2: unknown instruction: RNU (did you mean RUN?)");
}

TEST(StagesTest, DocComments) {
  Dockerfile df = MustBuild(
      "# foo sets foo\n"
      "ARG foo=bar\n"
      "\n"
      "# base defines first stage\n"
      "FROM busybox AS base\n"
      "# this is irrelevant\n"
      "ARG foo\n"
      "# bar defines bar\n"
      "# baz is something else\n"
      "ARG bar baz=123\n");
  EXPECT_EQ(df.stages[0].doc_comment, "defines first stage");
  EXPECT_EQ(df.meta_args[0].args[0].doc_comment, "sets foo");
  const auto& first = std::get<ArgCommand>(df.stages[0].commands[0]);
  EXPECT_EQ(first.args[0].doc_comment, "");
  const auto& second = std::get<ArgCommand>(df.stages[0].commands[1]);
  EXPECT_EQ(second.args[0].doc_comment, "defines bar");
  EXPECT_EQ(second.args[1].doc_comment, "is something else");
}

TEST(StagesTest, EscapeDirectiveBacktick) {
  Dockerfile df = MustBuild(
      "# escape=`\n"
      "FROM mcr.microsoft.com/windows/servercore AS win\n"
      "COPY C:\\src\\app C:\\app\\\n"
      "ENV GOPATH=C:\\go `\n"
      "    MORE=1\n"
      "RUN dir c:\\ `\n"
      "    /s\n");
  EXPECT_EQ(df.escape_token, '`');
  const Stage& stage = df.stages[0];
  const auto& copy = std::get<CopyCommand>(stage.commands[0]);
  EXPECT_EQ(copy.files.source_paths, std::vector<std::string>{"C:\\src\\app"});
  EXPECT_EQ(copy.files.dest_path, "C:\\app\\");
  const auto& env = std::get<EnvCommand>(stage.commands[1]);
  ASSERT_EQ(env.env.size(), 2u);
  EXPECT_EQ(env.env[0].value, "C:\\go");
  EXPECT_EQ(env.location, (SourceRange{4, 5}));
  const auto& run = std::get<RunCommand>(stage.commands[2]);
  EXPECT_EQ(run.command.cmd_line[0].substr(0, 7), "dir c:\\");
}

TEST(StagesTest, DirectivesAndWarningsCarriedOver) {
  Dockerfile df = MustBuild(
      "# syntax=docker/dockerfile:1\n"
      "# check=skip=all\n"
      "FROM a AS scratch\n"
      "MAINTAINER me\n"
      "FROM b AS scratch\n"
      "RUN a \\\n"
      "\n"
      " b\n");
  EXPECT_EQ(df.syntax, "docker/dockerfile:1");
  EXPECT_EQ(df.check, "skip=all");
  std::vector<std::string> messages;
  for (const Warning& w : df.warnings) messages.push_back(w.message);
  ASSERT_EQ(messages.size(), 5u) << ::testing::PrintToString(messages);
  EXPECT_EQ(messages[1],
            "MaintainerDeprecated: Maintainer instruction is deprecated in "
            "favor of using label");
  EXPECT_EQ(messages[2],
            "ReservedStageName: Stage name should not use the same name as "
            "reserved stage \"scratch\"");
  EXPECT_EQ(messages[4],
            "DuplicateStageName: Duplicate stage name \"scratch\", stage names "
            "should be unique");
  EXPECT_EQ(df.warnings[4].line, 5);
}

TEST(StagesTest, AcceptanceFixtureMetadata) {
  Dockerfile df = MustBuild(
      "FROM alpine\n"
      "ENV APP_ENV=production \\\n    APP_PORT=8080\n"
      "WORKDIR /app/data\n"
      "LABEL com.zlayer.test=\"dockerfile-compat\"\n"
      "EXPOSE 8080\n"
      "HEALTHCHECK --interval=30s --timeout=3s CMD [\"true\"]\n"
      "ENTRYPOINT [\"/bin/sh\", \"-c\"]\n"
      "CMD [\"cat /app/env.txt\"]\n");
  const auto& commands = df.stages[0].commands;
  ASSERT_EQ(commands.size(), 7u);
  const auto& hc = std::get<HealthcheckCommand>(commands[4]).health;
  EXPECT_EQ(hc.interval, std::chrono::seconds(30));
  EXPECT_EQ(hc.timeout, std::chrono::seconds(3));
  EXPECT_EQ(hc.test, (std::vector<std::string>{"CMD", "true"}));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Types every instruction of the conformance inputs: all are accepted but
// for the ones BuildKit's instruction layer rejects too, which fail with a
// located message.
TEST(StagesTest, ConformanceParserCases) {
  const std::filesystem::path root =
      std::filesystem::path(ZLAYER_SHARED_DIR) / "conformance/buildkit/parser";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no " << root;
  std::set<std::string> rejected;
  int typed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    std::string name = entry.path().filename().string();
    Result<ParseResult> tree = Parse(ReadFile(entry.path() / "Dockerfile"));
    ASSERT_TRUE(tree) << name << ": " << tree.error().message();
    for (const Node& node : tree->nodes) {
      Result<Instruction> parsed = ParseInstruction(node);
      ++typed;
      if (parsed) continue;
      rejected.insert(name);
      EXPECT_TRUE(parsed.error().message().starts_with("Dockerfile:"))
          << parsed.error().message();
    }
  }
  // COPY --user / --doit, and a HEALTHCHECK without arguments.
  EXPECT_EQ(rejected, (std::set<std::string>{"flags", "health"}));
  EXPECT_GT(typed, 200);
}

}  // namespace
}  // namespace zlayer::dockerfile
