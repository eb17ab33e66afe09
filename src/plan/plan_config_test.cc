// How metadata instructions evolve the image config, and their history
// texts.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "plan/plan.h"
#include "plan/plan_testing.h"

namespace zlayer::plan {
namespace {

using namespace std::chrono_literals;
using testing::EnvValue;
using testing::FakeImages;
using testing::Options;
using testing::PlanText;

const std::string kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

Plan MustPlan(const std::string& text, FakeImages* images = nullptr) {
  Result<Plan> plan =
      images != nullptr ? PlanText(text, Options(), *images) : PlanText(text);
  EXPECT_TRUE(plan) << plan.error().message();
  return plan ? std::move(*plan) : Plan{};
}

std::string ErrorOf(const std::string& text) {
  auto plan = PlanText(text);
  EXPECT_FALSE(plan);
  return plan ? "" : plan.error().message();
}

TEST(PlanConfigTest, ScratchStartsWithPathAndRootWorkdir) {
  Plan plan = MustPlan("FROM scratch\nENV A=1\n");
  const PlannedStage& stage = plan.stages[0];
  EXPECT_EQ(stage.base.kind, SourceKind::kScratch);
  EXPECT_EQ(stage.base_config.os, "linux");
  EXPECT_EQ(stage.base_config.architecture, "amd64");
  EXPECT_EQ(stage.steps[0].config_before.env,
            std::vector<std::string>{"PATH=" + kDefaultPath});
  EXPECT_EQ(stage.final_config.working_dir, "/");
  EXPECT_EQ(stage.final_config.env,
            (std::vector<std::string>{"PATH=" + kDefaultPath, "A=1"}));
}

TEST(PlanConfigTest, ImageWithoutPathGetsTheDefault) {
  FakeImages images;
  oci::ImageConfig config;
  config.config.env = {"A=1", "B=2"};
  images.Add("busybox", config);
  Plan plan = MustPlan("FROM busybox\nENV A=3\n", &images);
  EXPECT_EQ(plan.stages[0].final_config.env,
            (std::vector<std::string>{"A=3", "B=2", "PATH=" + kDefaultPath}));
}

TEST(PlanConfigTest, EnvFormsAndSameInstructionSeesOldValues) {
  Plan plan = MustPlan(
      "FROM scratch\nENV a=1\nENV a=2 b=$a\nENV legacy some value\n"
      "ENV q=\"x y\" r=x\\ z\n");
  const oci::ContainerConfig& config = plan.stages[0].final_config;
  EXPECT_EQ(EnvValue(config.env, "a"), "2");
  EXPECT_EQ(EnvValue(config.env, "b"), "1");
  EXPECT_EQ(EnvValue(config.env, "legacy"), "some value");
  EXPECT_EQ(EnvValue(config.env, "q"), "x y");
  EXPECT_EQ(EnvValue(config.env, "r"), "x z");
  EXPECT_EQ(plan.stages[0].steps[1].created_by, "ENV a=2 b=1");
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0],
            "Dockerfile:4: LegacyKeyValueFormat: \"ENV key=value\" should be "
            "used instead of legacy \"ENV key value\" format");
}

TEST(PlanConfigTest, BuildKitEnvConformanceFile) {
  // ../shared/conformance/buildkit/parser/env, planned: values lose their
  // quotes as BuildKit's expansion removes them; line 12 (`'a\'b'`) leaves
  // a single quote open, which BuildKit rejects.
  std::ifstream in(std::string(ZLAYER_SHARED_DIR) +
                   "/conformance/buildkit/parser/env/Dockerfile");
  ASSERT_TRUE(in);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  FakeImages images;
  images.Add("ubuntu");
  auto whole = PlanText(text, Options(), images);
  ASSERT_FALSE(whole);
  EXPECT_TRUE(whole.error().message().starts_with("Dockerfile:12:"))
      << whole.error().message();

  std::string head;
  std::istringstream lines(text);
  std::string line;
  for (int i = 0; i < 11 && std::getline(lines, line); ++i) head += line + "\n";
  auto plan = PlanText(head, Options(), images);
  ASSERT_TRUE(plan) << plan.error().message();
  const std::vector<Step>& steps = plan->stages[0].steps;
  auto name_after = [&](int step) {
    return EnvValue(steps[step].config_after.env, "name");
  };
  EXPECT_EQ(name_after(0), "value");
  EXPECT_EQ(name_after(3), "value value1");
  EXPECT_EQ(name_after(4), "value value2");
  EXPECT_EQ(name_after(5), "value'quote space'value2");
  EXPECT_EQ(name_after(6), "value\"double quote\"value2");
  EXPECT_EQ(EnvValue(steps[7].config_after.env, "name2"), "value2 value3");
  EXPECT_EQ(name_after(8), "a\"b");
  EXPECT_EQ(name_after(9), "a\\'b");
}

TEST(PlanConfigTest, WorkdirChainsRelativePathsAndCleans) {
  Plan plan = MustPlan(
      "FROM scratch\nWORKDIR /a\nWORKDIR b\nWORKDIR ../c/./d/\nENV D=/x\n"
      "WORKDIR $D/y\n");
  const std::vector<Step>& steps = plan.stages[0].steps;
  EXPECT_EQ(steps[0].config_after.working_dir, "/a");
  EXPECT_EQ(steps[1].config_after.working_dir, "/a/b");
  EXPECT_EQ(steps[2].config_after.working_dir, "/a/c/d");
  EXPECT_EQ(steps[2].created_by, "WORKDIR /a/c/d");
  EXPECT_EQ(steps[4].config_after.working_dir, "/x/y");
  EXPECT_TRUE(steps[0].changes_filesystem);
}

TEST(PlanConfigTest, WorkdirRootMakesNoLayer) {
  Plan plan = MustPlan("FROM scratch\nWORKDIR /\n");
  EXPECT_FALSE(plan.stages[0].steps[0].changes_filesystem);
  EXPECT_EQ(plan.stages[0].steps[0].created_by, "WORKDIR /");
}

TEST(PlanConfigTest, RelativeFirstWorkdirIsALintWarning) {
  Plan plan = MustPlan("FROM scratch\nWORKDIR app\nWORKDIR sub\n");
  EXPECT_EQ(plan.stages[0].final_config.working_dir, "/app/sub");
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0],
            "Dockerfile:2: WorkdirRelativePath: Relative workdir \"app\" can "
            "have unexpected results if the base image changes");
}

TEST(PlanConfigTest, ImageWorkdirIsTheStartingPoint) {
  FakeImages images;
  oci::ImageConfig config;
  config.config.working_dir = "/srv";
  config.config.user = "nobody";
  images.Add("busybox", config);
  Plan plan = MustPlan("FROM busybox\nWORKDIR app\n", &images);
  EXPECT_EQ(plan.stages[0].final_config.working_dir, "/srv/app");
  EXPECT_EQ(plan.stages[0].final_config.user, "nobody");
}

TEST(PlanConfigTest, UserIsExpandedAndRecorded) {
  Plan plan = MustPlan("FROM scratch\nENV U=app\nUSER $U:$U\nRUN id\n");
  const std::vector<Step>& steps = plan.stages[0].steps;
  EXPECT_EQ(steps[1].config_after.user, "app:app");
  EXPECT_EQ(steps[1].created_by, "USER app:app");
  EXPECT_EQ(steps[2].config_before.user, "app:app");
  EXPECT_NE(steps[2].canonical.find("user \"app:app\""), std::string::npos);
}

TEST(PlanConfigTest, CmdShellFormUsesTheShell) {
  Plan plan = MustPlan("FROM scratch\nCMD echo hi\n");
  const Step& step = plan.stages[0].steps[0];
  EXPECT_EQ(step.config_after.cmd,
            (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
  EXPECT_TRUE(step.config_after.args_escaped);
  EXPECT_EQ(step.created_by, "CMD [\"/bin/sh\" \"-c\" \"echo hi\"]");
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0],
            "Dockerfile:2: JSONArgsRecommended: JSON arguments recommended "
            "for CMD to prevent unintended behavior related to OS signals");
}

TEST(PlanConfigTest, ShellInstructionChangesShellForms) {
  Plan plan = MustPlan(
      "FROM scratch\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
      "RUN a | b\nENTRYPOINT run me\n");
  const std::vector<Step>& steps = plan.stages[0].steps;
  EXPECT_EQ(steps[0].created_by, "SHELL [/bin/bash -o pipefail -c]");
  EXPECT_EQ(steps[1].created_by,
            "RUN /bin/bash -o pipefail -c a | b # buildkit");
  EXPECT_EQ(steps[2].config_after.entrypoint,
            (std::vector<std::string>{"/bin/bash", "-o", "pipefail", "-c",
                                      "run me"}));
  EXPECT_TRUE(plan.warnings.empty());
}

TEST(PlanConfigTest, EntrypointResetsInheritedCmd) {
  FakeImages images;
  oci::ImageConfig config;
  config.config.cmd = {"sh"};
  images.Add("busybox", config);
  Plan plan = MustPlan("FROM busybox\nENTRYPOINT [\"/app\"]\n", &images);
  EXPECT_TRUE(plan.stages[0].final_config.cmd.empty());
  EXPECT_EQ(plan.stages[0].final_config.entrypoint,
            std::vector<std::string>{"/app"});
  EXPECT_EQ(plan.stages[0].steps[0].created_by, "ENTRYPOINT [\"/app\"]");
}

TEST(PlanConfigTest, EntrypointKeepsCmdOfTheSameStage) {
  Plan plan =
      MustPlan("FROM scratch\nCMD [\"--help\"]\nENTRYPOINT [\"/app\"]\n");
  EXPECT_EQ(plan.stages[0].final_config.cmd,
            std::vector<std::string>{"--help"});
}

TEST(PlanConfigTest, EntrypointInChildStageResetsBaseStageCmd) {
  Plan plan = MustPlan(
      "FROM scratch AS base\nCMD [\"x\"]\nFROM base\nENTRYPOINT [\"/e\"]\n");
  EXPECT_TRUE(plan.stages[1].final_config.cmd.empty());
  EXPECT_EQ(plan.stages[1].steps[0].config_before.cmd,
            std::vector<std::string>{"x"});
}

TEST(PlanConfigTest, RepeatedCmdIsALintWarning) {
  Plan plan = MustPlan("FROM scratch\nCMD [\"a\"]\nCMD [\"b\"]\n");
  EXPECT_EQ(plan.stages[0].final_config.cmd, std::vector<std::string>{"b"});
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0],
            "Dockerfile:3: MultipleInstructionsDisallowed: Multiple CMD "
            "instructions should not be used in the same stage because only "
            "the last one will be used");
}

TEST(PlanConfigTest, ExposeNormalizesPortsAndRanges) {
  Plan plan = MustPlan("FROM scratch\nEXPOSE 80 443/UDP 8000-8001\n");
  const Step& step = plan.stages[0].steps[0];
  EXPECT_EQ(
      step.config_after.exposed_ports,
      (std::set<std::string>{"80/tcp", "443/udp", "8000/tcp", "8001/tcp"}));
  EXPECT_EQ(step.created_by, "EXPOSE [443/udp 80/tcp 8000/tcp 8001/tcp]");
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0],
            "Dockerfile:2: ExposeProtoCasing: Defined protocol '443/UDP' in "
            "EXPOSE instruction should be lowercase");
}

TEST(PlanConfigTest, ExposeSplitsExpandedWords) {
  Plan plan =
      MustPlan("FROM scratch\nARG PORTS=\"80 81/udp\"\nEXPOSE $PORTS\n");
  EXPECT_EQ(plan.stages[0].final_config.exposed_ports,
            (std::set<std::string>{"80/tcp", "81/udp"}));
  EXPECT_EQ(plan.stages[0].steps[1].cache_args,
            std::vector<std::string>{"PORTS=80 81/udp"});
}

TEST(PlanConfigTest, ExposeRejectsBadPorts) {
  EXPECT_EQ(ErrorOf("FROM scratch\nEXPOSE 80x\n"),
            "Dockerfile:2: invalid containerPort: 80x");
  EXPECT_EQ(ErrorOf("FROM scratch\nEXPOSE 80/icmp\n"),
            "Dockerfile:2: invalid port: \"80/icmp\": invalid proto: icmp");
}

TEST(PlanConfigTest, HealthcheckReplacesTheBaseOneAndFormatsHistory) {
  FakeImages images;
  oci::ImageConfig config;
  config.config.healthcheck =
      oci::HealthConfig{.test = {"CMD", "old"}, .interval = 5s, .retries = 9};
  images.Add("busybox", config);
  Plan plan = MustPlan(
      "FROM busybox\nHEALTHCHECK --interval=30s --timeout=90s --retries=3 "
      "CMD curl -f http://x/\n",
      &images);
  const Step& step = plan.stages[0].steps[0];
  ASSERT_TRUE(step.config_after.healthcheck);
  EXPECT_EQ(step.config_after.healthcheck->test,
            (std::vector<std::string>{"CMD-SHELL", "curl -f http://x/"}));
  EXPECT_EQ(step.config_after.healthcheck->interval, 30s);
  EXPECT_EQ(step.config_after.healthcheck->timeout, 90s);
  EXPECT_EQ(step.config_after.healthcheck->start_period, 0s);
  EXPECT_EQ(step.config_after.healthcheck->retries, 3);
  EXPECT_EQ(step.created_by,
            "HEALTHCHECK {Test:[CMD-SHELL curl -f http://x/] Interval:30s "
            "Timeout:1m30s StartPeriod:0s StartInterval:0s Retries:3}");
}

TEST(PlanConfigTest, HealthcheckNone) {
  Plan plan = MustPlan("FROM scratch\nHEALTHCHECK NONE\n");
  ASSERT_TRUE(plan.stages[0].final_config.healthcheck);
  EXPECT_EQ(plan.stages[0].final_config.healthcheck->test,
            std::vector<std::string>{"NONE"});
}

TEST(PlanConfigTest, LabelVolumeStopsignalMaintainer) {
  Plan plan = MustPlan(
      "FROM scratch\nARG V=1.0\nLABEL version=$V \"a b\"=c\n"
      "VOLUME /data $V\nVOLUME [\"/logs\"]\nSTOPSIGNAL SIGKILL\n"
      "MAINTAINER Jane <j@x>\n");
  const PlannedStage& stage = plan.stages[0];
  EXPECT_EQ(stage.final_config.labels, (std::map<std::string, std::string>{
                                           {"version", "1.0"}, {"a b", "c"}}));
  EXPECT_EQ(stage.steps[1].created_by, "LABEL version=1.0 a b=c");
  EXPECT_EQ(stage.final_config.volumes,
            (std::set<std::string>{"/data", "1.0", "/logs"}));
  EXPECT_EQ(stage.steps[2].created_by, "VOLUME [/data 1.0]");
  EXPECT_EQ(stage.final_config.stop_signal, "SIGKILL");
  EXPECT_EQ(stage.steps[4].created_by, "STOPSIGNAL SIGKILL");
  EXPECT_EQ(stage.author, "Jane <j@x>");
  EXPECT_EQ(stage.steps[5].created_by, "MAINTAINER Jane <j@x>");
  // Metadata steps make no layer.
  for (const Step& step : stage.steps) EXPECT_FALSE(step.changes_filesystem);
}

TEST(PlanConfigTest, BadStopSignalAndEmptyVolumeAreErrors) {
  EXPECT_EQ(ErrorOf("FROM scratch\nSTOPSIGNAL SIGFOO\n"),
            "Dockerfile:2: invalid signal: SIGFOO");
  EXPECT_EQ(ErrorOf("FROM scratch\nARG E\nVOLUME [\"$E\"]\n"),
            "Dockerfile:3: VOLUME specified can not be an empty string");
}

TEST(PlanConfigTest, ArgChangesNoConfig) {
  Plan plan = MustPlan("FROM scratch\nARG A=1 B\n");
  const Step& step = plan.stages[0].steps[0];
  EXPECT_EQ(step.config_before, step.config_after);
  EXPECT_EQ(step.created_by, "ARG A=1 B");
  EXPECT_FALSE(step.changes_filesystem);
}

}  // namespace
}  // namespace zlayer::plan
