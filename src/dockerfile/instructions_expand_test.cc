// Which fields each instruction hands to the planner's expander. A fake
// expander records every word it is asked about and marks what it returns,
// so the tests show both what is expanded and what never reaches it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dockerfile/instructions.h"
#include "dockerfile/instructions_testing.h"

namespace zlayer::dockerfile {
namespace {

using testing::ParseAs;

class RecordingExpander {
 public:
  WordExpander Get() {
    return [this](std::string_view word) -> Result<std::string> {
      seen.emplace_back(word);
      std::string marked = "<";
      marked.append(word).append(">");
      return marked;
    };
  }
  std::vector<std::string> seen;
};

Command ParseCommand(std::string_view text) {
  Result<Instruction> parsed = testing::ParseFirst(text);
  EXPECT_TRUE(parsed) << parsed.error().message();
  return parsed ? std::get<Command>(*parsed) : Command{};
}

TEST(ExpandTest, EnvAndLabelExpandKeysAndValues) {
  RecordingExpander fake;
  auto env = ParseAs<EnvCommand>("ENV a=$X b=\"q\"");
  ASSERT_TRUE(env.Expand(fake.Get()));
  EXPECT_EQ(fake.seen, (std::vector<std::string>{"a", "$X", "b", "\"q\""}));
  EXPECT_EQ(env.env[1].value, "<\"q\">");

  fake.seen.clear();
  auto label = ParseAs<LabelCommand>("LABEL $K=v");
  ASSERT_TRUE(label.Expand(fake.Get()));
  EXPECT_EQ(fake.seen, (std::vector<std::string>{"$K", "v"}));
  EXPECT_EQ(label.labels[0].key, "<$K>");
}

TEST(ExpandTest, CopyExpandsPathsChownChmodButNotExcludes) {
  RecordingExpander fake;
  auto copy = ParseAs<CopyCommand>(
      "COPY --chown=$U --chmod=$M --exclude=$E --link a $B /$D/");
  ASSERT_TRUE(copy.Expand(fake.Get()));
  EXPECT_EQ(fake.seen,
            (std::vector<std::string>{"$U", "$M", "a", "$B", "/$D/"}));
  EXPECT_EQ(copy.files.dest_path, "</$D/>");
  EXPECT_EQ(copy.exclude_patterns, std::vector<std::string>{"$E"});
}

TEST(ExpandTest, CopyFromMustNotChangeUnderExpansion) {
  auto copy = ParseAs<CopyCommand>("COPY --from=$STAGE a /b");
  RecordingExpander fake;
  Status status = copy.Expand(fake.Get());
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message(),
            "variable expansion is not supported for --from, define a new "
            "stage with FROM using ARG from global scope as a workaround");

  auto plain = ParseAs<CopyCommand>("COPY --from=build a /b");
  WordExpander identity = [](std::string_view w) -> Result<std::string> {
    return std::string(w);
  };
  ASSERT_TRUE(plain.Expand(identity));
  EXPECT_EQ(plain.from, "build");
}

TEST(ExpandTest, AddExpandsChecksumToo) {
  RecordingExpander fake;
  auto add = ParseAs<AddCommand>(
      "ADD --checksum=$SUM --chown=u --unpack=true $URL /d");
  ASSERT_TRUE(add.Expand(fake.Get()));
  EXPECT_EQ(fake.seen,
            (std::vector<std::string>{"u", "", "$SUM", "$URL", "/d"}));
}

TEST(ExpandTest, HeredocSourcesUseRawExpansionUnlessQuoted) {
  RecordingExpander fake;
  auto copy =
      ParseAs<CopyCommand>("COPY <<A <<'B' /d/\n$X \"kept\"\nA\n$Y\nB\n");
  ASSERT_TRUE(copy.Expand(fake.Get()));
  // Unset --chown and --chmod are expanded as empty words, as in BuildKit.
  EXPECT_EQ(fake.seen, (std::vector<std::string>{"", "", "/d/"}));
  fake.seen.clear();
  ASSERT_TRUE(copy.ExpandRaw(fake.Get()));
  EXPECT_EQ(fake.seen, std::vector<std::string>{"$X \"kept\"\n"});
  EXPECT_EQ(copy.files.source_contents[1].data, "$Y\n");
}

TEST(ExpandTest, SingleValueInstructions) {
  RecordingExpander fake;
  auto workdir = ParseAs<WorkdirCommand>("WORKDIR /$W");
  auto user = ParseAs<UserCommand>("USER $U");
  auto stop = ParseAs<StopSignalCommand>("STOPSIGNAL $S");
  auto volume = ParseAs<VolumeCommand>("VOLUME [\"$V1\", \"/v2\"]");
  ASSERT_TRUE(workdir.Expand(fake.Get()));
  ASSERT_TRUE(user.Expand(fake.Get()));
  ASSERT_TRUE(stop.Expand(fake.Get()));
  ASSERT_TRUE(volume.Expand(fake.Get()));
  EXPECT_EQ(fake.seen,
            (std::vector<std::string>{"/$W", "$U", "$S", "$V1", "/v2"}));
  EXPECT_EQ(workdir.path, "</$W>");
}

TEST(ExpandTest, ArgExpandsKeysAndGivenValues) {
  RecordingExpander fake;
  auto arg = ParseAs<ArgCommand>("ARG a b=\"$X\"");
  ASSERT_TRUE(arg.Expand(fake.Get()));
  EXPECT_EQ(fake.seen, (std::vector<std::string>{"a", "b", "\"$X\""}));
  EXPECT_EQ(arg.args[0].value, std::nullopt);
}

TEST(ExpandTest, FromExpandsBaseAndPlatformNotName) {
  RecordingExpander fake;
  auto from =
      ParseAs<FromCommand>("FROM --platform=$BUILDPLATFORM ${BASE}:1 AS build");
  ASSERT_TRUE(from.Expand(fake.Get()));
  EXPECT_EQ(fake.seen,
            (std::vector<std::string>{"${BASE}:1", "$BUILDPLATFORM"}));
  EXPECT_EQ(from.name, "build");
}

TEST(ExpandTest, RunExpandsMountValuesOnly) {
  RecordingExpander fake;
  WordExpander expand = [&](std::string_view word) -> Result<std::string> {
    fake.seen.emplace_back(word);
    if (word == "$CACHE") return std::string("/root/.cache");
    return std::string(word);
  };
  auto run = ParseAs<RunCommand>(
      "RUN --mount=type=cache,target=$CACHE,ro --network=none echo $HOME");
  ASSERT_TRUE(run.Expand(expand));
  EXPECT_EQ(fake.seen, (std::vector<std::string>{"cache", "$CACHE"}));
  ASSERT_EQ(run.mounts.size(), 1u);
  EXPECT_EQ(run.mounts[0].type, MountType::kCache);
  EXPECT_EQ(run.mounts[0].target, "/root/.cache");
  EXPECT_TRUE(run.mounts[0].read_only);
  EXPECT_EQ(run.command.cmd_line, std::vector<std::string>{"echo $HOME"});
}

TEST(ExpandTest, RunMountErrorsSurfaceOnExpand) {
  auto run = ParseAs<RunCommand>("RUN --mount=type=$T,target=/x make");
  WordExpander expand = [](std::string_view word) -> Result<std::string> {
    return word == "$T" ? std::string("cahce") : std::string(word);
  };
  Status status = run.Expand(expand);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message(),
            "unsupported mount type \"cahce\" (did you mean cache?)");
}

TEST(ExpandTest, ExecFormsAndShellTextNeverReachTheExpander) {
  for (const char* text :
       {"RUN echo $HOME", "RUN [\"echo\", \"$HOME\"]",
        "RUN <<EOF\necho $A\nEOF", "CMD echo $X", "CMD [\"$X\"]",
        "ENTRYPOINT [\"$X\"]", "ENTRYPOINT run $X", "SHELL [\"$SH\", \"-c\"]",
        "HEALTHCHECK --interval=5s CMD curl $URL", "MAINTAINER $ME",
        "ONBUILD RUN echo $X", "ARG A=$B", "EXPOSE $PORT"}) {
    RecordingExpander fake;
    Command command = ParseCommand(text);
    ASSERT_TRUE(ExpandCommand(command, fake.Get())) << text;
    ASSERT_TRUE(ExpandCommandRaw(command, fake.Get())) << text;
    EXPECT_TRUE(fake.seen.empty()) << text << " expanded " << fake.seen[0];
  }
}

TEST(ExpandTest, ExpandCommandDispatches) {
  RecordingExpander fake;
  Command command = ParseCommand("WORKDIR $W");
  ASSERT_TRUE(ExpandCommand(command, fake.Get()));
  EXPECT_EQ(std::get<WorkdirCommand>(command).path, "<$W>");
  EXPECT_EQ(BaseOf(command).keyword, "WORKDIR");
}

TEST(ExpandTest, ExposeSplitsWords) {
  auto expose = ParseAs<ExposeCommand>("EXPOSE $PORTS 22");
  WordsExpander split =
      [](std::string_view word) -> Result<std::vector<std::string>> {
    if (word == "$PORTS") return std::vector<std::string>{"80", "443/tcp"};
    return std::vector<std::string>{std::string(word)};
  };
  ASSERT_TRUE(expose.ExpandWords(split));
  // Sorted as written ("$PORTS" < "22"), then expanded in place.
  EXPECT_EQ(expose.ports, (std::vector<std::string>{"80", "443/tcp", "22"}));
}

TEST(ExpandTest, ExpanderErrorsPropagate) {
  WordExpander failing = [](std::string_view) -> Result<std::string> {
    return Fail("X: is not set", ErrorKind::kInvalid);
  };
  auto env = ParseAs<EnvCommand>("ENV a=${X:?}");
  Status status = env.Expand(failing);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message(), "X: is not set");
}

}  // namespace
}  // namespace zlayer::dockerfile
