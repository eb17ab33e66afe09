// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "dockerfile/instructions.h"
#include "dockerfile/instructions_testing.h"

namespace zlayer::dockerfile {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using testing::ParseAs;
using testing::ParseError;

TEST(RunTest, ShellAndExecForms) {
  auto shell = ParseAs<RunCommand>("RUN apt-get update && \\\n  make");
  EXPECT_TRUE(shell.command.prepend_shell);
  ASSERT_EQ(shell.command.cmd_line.size(), 1u);
  EXPECT_EQ(shell.command.cmd_line[0].substr(0, 14), "apt-get update");
  EXPECT_EQ(shell.network, NetworkMode::kDefault);
  EXPECT_EQ(shell.security, SecurityMode::kSandbox);
  EXPECT_TRUE(shell.flags_used.empty());

  auto exec = ParseAs<RunCommand>("RUN [\"ls\", \"-l\", \"/\"]");
  EXPECT_FALSE(exec.command.prepend_shell);
  EXPECT_EQ(exec.command.cmd_line, (std::vector<std::string>{"ls", "-l", "/"}));
}

TEST(RunTest, MountFlagsAreRepeatable) {
  auto run = ParseAs<RunCommand>(
      "RUN --mount=type=cache,target=/root/.cache "
      "--mount=type=bind,from=build,source=/out,target=/in make");
  EXPECT_EQ(run.mount_specs,
            (std::vector<std::string>{
                "type=cache,target=/root/.cache",
                "type=bind,from=build,source=/out,target=/in"}));
  ASSERT_EQ(run.mounts.size(), 2u);
  // Before expansion only `from` is known.
  EXPECT_EQ(run.mounts[1].from, "build");
  EXPECT_EQ(run.mounts[0].target, "");
  EXPECT_EQ(run.flags_used, std::vector<std::string>{"mount"});
}

TEST(RunTest, MountErrorsKnownAtParseTime) {
  EXPECT_EQ(ParseError("RUN --mount=from=$STAGE,target=/x make"),
            "Dockerfile:1: RUN: 'from' doesn't support variable expansion, "
            "define alias stage instead");
  EXPECT_EQ(ParseError("RUN --mount=target=a\\\"b make"),
            "Dockerfile:1: RUN: failed to parse csv mounts: parse error on "
            "line 1, column 9: bare \" in non-quoted-field");
  // Everything else waits for Expand(), when values are final.
  EXPECT_EQ(ParseError("RUN --mount=type=nope make"), "parsed");
}

TEST(RunTest, NetworkAndSecurity) {
  auto run = ParseAs<RunCommand>("RUN --network=none --security=insecure x");
  EXPECT_EQ(run.network, NetworkMode::kNone);
  EXPECT_EQ(run.security, SecurityMode::kInsecure);
  EXPECT_EQ(run.flags_used, (std::vector<std::string>{"network", "security"}));
  EXPECT_EQ(ParseAs<RunCommand>("RUN --network=host x").network,
            NetworkMode::kHost);
  EXPECT_EQ(ParseAs<RunCommand>("RUN --network=default x").network,
            NetworkMode::kDefault);
  EXPECT_EQ(ParseAs<RunCommand>("RUN --security=sandbox x").security,
            SecurityMode::kSandbox);
  EXPECT_EQ(ParseError("RUN --network=bridge x"),
            "Dockerfile:1: RUN: invalid network mode \"bridge\"");
  EXPECT_EQ(ParseError("RUN --security=privileged x"),
            "Dockerfile:1: RUN: security \"privileged\" is not valid");
  EXPECT_EQ(ParseError("RUN --network x"),
            "Dockerfile:1: RUN: missing a value on flag: --network");
  EXPECT_EQ(ParseError("RUN --mnt=type=bind x"),
            "Dockerfile:1: RUN: unknown flag --mnt (did you mean --mount?)");
  EXPECT_EQ(ParseError("RUN --network=none --network=host x"),
            "Dockerfile:1: RUN: duplicate flag specified: --network");
}

TEST(CmdTest, ShellExecAndEmpty) {
  auto shell = ParseAs<CmdCommand>("CMD echo  hi");
  EXPECT_TRUE(shell.command.prepend_shell);
  EXPECT_EQ(shell.command.cmd_line, std::vector<std::string>{"echo  hi"});
  auto exec = ParseAs<CmdCommand>("CMD [\"cat /app/env.txt\"]");
  EXPECT_FALSE(exec.command.prepend_shell);
  EXPECT_EQ(exec.command.cmd_line,
            std::vector<std::string>{"cat /app/env.txt"});
  EXPECT_TRUE(ParseAs<CmdCommand>("CMD []").command.cmd_line.empty());
  EXPECT_EQ(ParseError("CMD --doit [ \"a\" ]"),
            "Dockerfile:1: CMD: unknown flag --doit");
}

TEST(EntrypointTest, ShellAndExec) {
  auto exec = ParseAs<EntrypointCommand>("ENTRYPOINT [\"/bin/sh\", \"-c\"]");
  EXPECT_EQ(exec.command.cmd_line, (std::vector<std::string>{"/bin/sh", "-c"}));
  EXPECT_FALSE(exec.command.prepend_shell);
  auto shell = ParseAs<EntrypointCommand>("ENTRYPOINT /usr/sbin/nginx -g x");
  EXPECT_TRUE(shell.command.prepend_shell);
  EXPECT_EQ(shell.command.cmd_line,
            std::vector<std::string>{"/usr/sbin/nginx -g x"});
}

TEST(ShellTest, JsonOnly) {
  EXPECT_EQ(ParseAs<ShellCommand>("SHELL [\"powershell\", \"-command\"]").shell,
            (std::vector<std::string>{"powershell", "-command"}));
  EXPECT_EQ(ParseError("SHELL powershell -command"),
            "Dockerfile:1: SHELL requires the arguments to be in JSON form");
  EXPECT_EQ(ParseError("SHELL []"),
            "Dockerfile:1: SHELL requires at least one argument");
}

TEST(HealthcheckTest, ShellCommand) {
  auto hc = ParseAs<HealthcheckCommand>("HEALTHCHECK CMD hello world");
  EXPECT_EQ(hc.health.test,
            (std::vector<std::string>{"CMD-SHELL", "hello world"}));
  EXPECT_EQ(hc.health.interval, nanoseconds{0});
  EXPECT_EQ(hc.health.retries, 0);
}

TEST(HealthcheckTest, ExecFormAndAllOptions) {
  auto hc = ParseAs<HealthcheckCommand>(
      "HEALTHCHECK --interval=30s --timeout=3s --start-period=1m30s "
      "--start-interval=500ms --retries=3 cmd [\"true\"]");
  EXPECT_EQ(hc.health.test, (std::vector<std::string>{"CMD", "true"}));
  EXPECT_EQ(hc.health.interval, seconds(30));
  EXPECT_EQ(hc.health.timeout, seconds(3));
  EXPECT_EQ(hc.health.start_period, seconds(90));
  EXPECT_EQ(hc.health.start_interval, milliseconds(500));
  EXPECT_EQ(hc.health.retries, 3);
}

TEST(HealthcheckTest, ZeroValuesAreAllowed) {
  auto hc = ParseAs<HealthcheckCommand>(
      "HEALTHCHECK --start-period=0s --start-interval=0s --interval=5s "
      "--timeout=0s --retries=0 CMD [\"foo\"]");
  EXPECT_EQ(hc.health.timeout, nanoseconds{0});
  EXPECT_EQ(hc.health.interval, seconds(5));
  EXPECT_EQ(ParseAs<HealthcheckCommand>("HEALTHCHECK --interval=1ms CMD x")
                .health.interval,
            milliseconds(1));
}

TEST(HealthcheckTest, DurationErrors) {
  EXPECT_EQ(ParseError("HEALTHCHECK --interval=50ns CMD x"),
            "Dockerfile:1: HEALTHCHECK: Interval \"interval\" cannot be less "
            "than 1ms");
  EXPECT_EQ(ParseError("HEALTHCHECK --timeout=-1s CMD x"),
            "Dockerfile:1: HEALTHCHECK: Interval \"timeout\" cannot be less "
            "than 1ms");
  EXPECT_NE(ParseError("HEALTHCHECK --start-period=10 CMD x"), "parsed");
  EXPECT_NE(ParseError("HEALTHCHECK --start-interval=abc CMD x"), "parsed");
}

TEST(HealthcheckTest, RetriesErrors) {
  EXPECT_EQ(ParseError("HEALTHCHECK --retries=-1 CMD x"),
            "Dockerfile:1: HEALTHCHECK: --retries cannot be negative (-1)");
  EXPECT_EQ(ParseError("HEALTHCHECK --retries=three CMD x"),
            "Dockerfile:1: HEALTHCHECK: strconv.ParseInt: parsing \"three\": "
            "invalid syntax");
  EXPECT_EQ(ParseError("HEALTHCHECK --retries=2147483648 CMD x"),
            "Dockerfile:1: HEALTHCHECK: strconv.ParseInt: parsing "
            "\"2147483648\": value out of range");
  EXPECT_EQ(ParseAs<HealthcheckCommand>("HEALTHCHECK --retries=+7 CMD x")
                .health.retries,
            7);
}

TEST(HealthcheckTest, NoneAndOtherTypes) {
  EXPECT_EQ(ParseAs<HealthcheckCommand>("HEALTHCHECK none").health.test,
            std::vector<std::string>{"NONE"});
  EXPECT_EQ(ParseError("HEALTHCHECK NONE x"),
            "Dockerfile:1: HEALTHCHECK NONE takes no arguments");
  EXPECT_EQ(ParseError("HEALTHCHECK --interval=5s NONE"),
            "Dockerfile:1: HEALTHCHECK NONE takes no flags");
  EXPECT_EQ(ParseError("HEALTHCHECK CONNECT TCP 7000"),
            "Dockerfile:1: HEALTHCHECK: Unknown type \"CONNECT\" in "
            "HEALTHCHECK (try CMD)");
  EXPECT_EQ(ParseError("HEALTHCHECK CMD"),
            "Dockerfile:1: HEALTHCHECK: Missing command after HEALTHCHECK CMD");
  EXPECT_EQ(ParseError("HEALTHCHECK --intervall=5s CMD x"),
            "Dockerfile:1: HEALTHCHECK: unknown flag --intervall (did you "
            "mean --interval?)");
}

}  // namespace
}  // namespace zlayer::dockerfile
