// ARG and ENV scoping: global vs stage ARGs, --build-arg overrides,
// predefined platform and proxy args, ENV shadowing, unused build args.
#include <gtest/gtest.h>

#include "plan/plan.h"
#include "plan/plan_testing.h"

namespace zlayer::plan {
namespace {

using testing::EnvValue;
using testing::FakeImages;
using testing::Options;
using testing::PlanText;

const oci::ContainerConfig& FinalConfig(const Plan& plan) {
  return plan.stages[plan.target].final_config;
}

std::string FinalEnv(const Plan& plan, const std::string& key) {
  return EnvValue(FinalConfig(plan).env, key);
}

TEST(PlanArgsTest, GlobalArgIsNotVisibleInAStage) {
  auto plan = PlanText("ARG V=1\nFROM scratch\nENV X=\"[$V]\"\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "X"), "[]");
}

TEST(PlanArgsTest, RedeclaredGlobalArgTakesTheGlobalDefault) {
  auto plan = PlanText("ARG V=1\nFROM scratch\nARG V\nENV X=$V\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "X"), "1");
  // Declared in the stage: the RUN history and cache args show it.
  auto run = PlanText("ARG V=1\nFROM scratch\nARG V\nRUN true\n");
  ASSERT_TRUE(run) << run.error().message();
  const Step& step = run->stages[0].steps[1];
  EXPECT_EQ(step.created_by, "RUN |1 V=1 /bin/sh -c true # buildkit");
  EXPECT_EQ(step.cache_args, std::vector<std::string>{"V=1"});
}

TEST(PlanArgsTest, BuildArgOverridesGlobalDefaultInFrom) {
  FakeImages images;
  images.Add("busybox");
  images.Add("alpine");
  auto plan = PlanText("ARG BASE=alpine\nFROM $BASE\n",
                       Options({{"BASE", "busybox"}}), images);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->stages[0].base_text, "busybox");
  EXPECT_EQ(plan->stages[0].base.kind, SourceKind::kImage);
  EXPECT_EQ(plan->stages[0].base.image_id, "sha256:busybox");
  ASSERT_EQ(images.calls.size(), 1u);
  EXPECT_EQ(images.calls[0].first, "busybox");
}

TEST(PlanArgsTest, BuildArgOverridesStageDefault) {
  auto plan = PlanText("FROM scratch\nARG V=default\nENV X=$V\n",
                       Options({{"V", "given"}}));
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "X"), "given");
  EXPECT_EQ(plan->stages[0].steps[0].created_by, "ARG V=given");
}

TEST(PlanArgsTest, StageDefaultBeatsGlobalDefault) {
  auto plan = PlanText("ARG V=global\nFROM scratch\nARG V=stage\nENV X=$V\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "X"), "stage");
}

TEST(PlanArgsTest, DefaultIsExpandedOnlyWithoutBuildArg) {
  const std::string text = "FROM scratch\nARG A=${B:?required}\n";
  auto failed = PlanText(text);
  ASSERT_FALSE(failed);
  EXPECT_TRUE(failed.error().message().starts_with("Dockerfile:2: "))
      << failed.error().message();
  EXPECT_NE(failed.error().message().find("required"), std::string::npos);
  auto given = PlanText(text, Options({{"A", "x"}}));
  ASSERT_TRUE(given) << given.error().message();
}

TEST(PlanArgsTest, UndeclaredBuildArgIsInvisibleAndReported) {
  auto plan = PlanText("FROM scratch\nENV Y=\"[$X]\"\n",
                       Options({{"X", "1"}, {"Z", "2"}, {"A", "3"}}));
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "Y"), "[]");
  ASSERT_FALSE(plan->warnings.empty());
  EXPECT_EQ(plan->warnings[0],
            "[Warning] One or more build-args [A X Z] were not consumed");
}

TEST(PlanArgsTest, DeclaredBuildArgsAreConsumed) {
  auto plan = PlanText("ARG G\nFROM scratch\nARG S\n",
                       Options({{"G", "1"},
                                {"S", "2"},
                                {"HTTP_PROXY", "p"},
                                {"TARGETARCH", "amd64"}}));
  ASSERT_TRUE(plan) << plan.error().message();
  for (const std::string& warning : plan->warnings) {
    EXPECT_EQ(warning.find("not consumed"), std::string::npos) << warning;
  }
}

TEST(PlanArgsTest, EnvAfterArgShadowsIt) {
  auto plan = PlanText("FROM scratch\nARG A=1\nENV A=2\nRUN echo\n");
  ASSERT_TRUE(plan) << plan.error().message();
  const Step& run = plan->stages[0].steps[2];
  EXPECT_EQ(EnvValue(run.run_env, "A"), "2");
  EXPECT_EQ(run.created_by, "RUN |1 A=2 /bin/sh -c echo # buildkit");
}

TEST(PlanArgsTest, ArgAfterEnvWinsInTheBuildStateAsInBuildKit) {
  auto plan = PlanText("FROM scratch\nENV A=1\nARG A=2\nENV B=$A\nRUN x\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "B"), "2");
  // The image keeps the ENV value; RUN sees the ARG's.
  EXPECT_EQ(FinalEnv(*plan, "A"), "1");
  EXPECT_EQ(EnvValue(plan->stages[0].steps[3].run_env, "A"), "2");
}

TEST(PlanArgsTest, ArgWithoutValueIsDeclaredButUnset) {
  auto plan = PlanText("FROM scratch\nARG X\nENV Y=${X-unset}\nRUN true\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "Y"), "unset");
  EXPECT_EQ(plan->stages[0].steps[2].created_by,
            "RUN |1 X= /bin/sh -c true # buildkit");
  EXPECT_EQ(EnvValue(plan->stages[0].steps[2].run_env, "X"), "<unset>");
}

TEST(PlanArgsTest, ArgDefaultExpandsAgainstStageEnv) {
  auto plan = PlanText("FROM scratch\nENV P=/x\nARG Q=$P/y\nENV R=$Q\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "R"), "/x/y");
  EXPECT_EQ(plan->stages[0].steps[1].created_by, "ARG Q=/x/y");
}

TEST(PlanArgsTest, GlobalDefaultsChain) {
  auto plan = PlanText("ARG A=1\nARG B=$A-2\nFROM scratch\nARG B\nENV C=$B\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "C"), "1-2");
}

TEST(PlanArgsTest, ArgsAreInheritedFromABaseStage) {
  auto plan = PlanText("FROM scratch AS base\nARG V=1\nFROM base\nRUN true\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->stages[1].steps[0].created_by,
            "RUN |1 V=1 /bin/sh -c true # buildkit");
}

TEST(PlanArgsTest, PlatformArgsInFromWithoutDeclaration) {
  FakeImages images;
  images.Add("busybox");
  PlanOptions options = Options();
  options.build_platform = {.architecture = "arm64", .os = "linux"};
  auto plan = PlanText("FROM --platform=$BUILDPLATFORM busybox AS b\n", options,
                       images);
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(images.calls.size(), 1u);
  EXPECT_EQ(images.calls[0].second.architecture, "arm64");
  EXPECT_EQ(plan->stages[0].platform.architecture, "arm64");
}

TEST(PlanArgsTest, TargetArchNeedsAStageDeclaration) {
  PlanOptions options = Options();
  options.target_platform = {
      .architecture = "arm", .os = "linux", .variant = "v7"};
  auto plan = PlanText(
      "FROM scratch\nENV A=\"[$TARGETARCH]\"\nARG TARGETARCH\n"
      "ARG TARGETPLATFORM\nARG TARGETVARIANT\nENV B=$TARGETARCH "
      "C=$TARGETPLATFORM D=$TARGETVARIANT\n",
      options);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "A"), "[]");
  EXPECT_EQ(FinalEnv(*plan, "B"), "arm");
  EXPECT_EQ(FinalEnv(*plan, "C"), "linux/arm/v7");
  EXPECT_EQ(FinalEnv(*plan, "D"), "v7");
  // ARG TARGETARCH reuses the global value: its history shows it.
  EXPECT_EQ(plan->stages[0].steps[1].created_by, "ARG TARGETARCH=arm");
}

TEST(PlanArgsTest, BuildArgOverridesPredefinedArg) {
  auto plan = PlanText("FROM scratch\nARG TARGETOS\nENV O=$TARGETOS\n",
                       Options({{"TARGETOS", "plan9"}}));
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(FinalEnv(*plan, "O"), "plan9");
}

TEST(PlanArgsTest, ProxyArgsReachRunButNotHistoryOrCacheArgs) {
  auto plan = PlanText(
      "FROM scratch\nARG A=1\nRUN wget x\n",
      Options({{"HTTP_PROXY", "http://p:3128"}, {"no_proxy", "localhost"}}));
  ASSERT_TRUE(plan) << plan.error().message();
  const Step& run = plan->stages[0].steps[1];
  EXPECT_EQ(EnvValue(run.run_env, "HTTP_PROXY"), "http://p:3128");
  EXPECT_EQ(EnvValue(run.run_env, "http_proxy"), "http://p:3128");
  EXPECT_EQ(EnvValue(run.run_env, "NO_PROXY"), "localhost");
  EXPECT_EQ(EnvValue(run.run_env, "no_proxy"), "localhost");
  EXPECT_EQ(run.created_by, "RUN |1 A=1 /bin/sh -c wget x # buildkit");
  EXPECT_EQ(run.cache_args, std::vector<std::string>{"A=1"});
  EXPECT_EQ(run.canonical.find("3128"), std::string::npos);
  // Without a declaration they are not variables of the stage.
  EXPECT_EQ(FinalEnv(*plan, "HTTP_PROXY"), "<unset>");
}

TEST(PlanArgsTest, RunEnvFollowsBuildKitOrder) {
  oci::ImageConfig config;
  config.config.env = {"PATH=/bin", "A=1"};
  FakeImages images;
  images.Add("busybox", config);
  auto plan = PlanText("FROM busybox\nARG B=2\nENV C=3\nARG A=4\nRUN x\n",
                       Options(), images);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->stages[0].steps[3].run_env,
            (std::vector<std::string>{"PATH=/bin", "B=2", "C=3", "A=4"}));
  EXPECT_EQ(plan->stages[0].steps[3].config_before.env,
            (std::vector<std::string>{"PATH=/bin", "A=1", "C=3"}));
}

TEST(PlanArgsTest, CacheArgsOfNonRunStepsAreTheArgsTheyRead) {
  auto plan =
      PlanText("FROM scratch\nARG A=1\nARG B=2\nCOPY $A /dst\nCOPY x /y\n");
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->stages[0].steps[2].cache_args,
            std::vector<std::string>{"A=1"});
  EXPECT_TRUE(plan->stages[0].steps[3].cache_args.empty());
}

TEST(PlanArgsTest, UndefinedVariableIsALintWarning) {
  auto plan = PlanText("FROM scratch\nENV FOO=1\nENV X=$FOOO\n");
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_EQ(plan->warnings[0],
            "Dockerfile:3: UndefinedVar: Usage of undefined variable '$FOOO' "
            "(did you mean $FOO?)");
  auto skipped =
      PlanText("# check=skip=UndefinedVar\nFROM scratch\nENV X=$FOOO\n");
  ASSERT_TRUE(skipped) << skipped.error().message();
  EXPECT_TRUE(skipped->warnings.empty());
}

TEST(PlanArgsTest, UndeclaredArgInFromIsALintWarning) {
  auto plan = PlanText("ARG VERSION=1\nFROM busybox${VERSON}\n");
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_EQ(plan->warnings[0],
            "Dockerfile:2: UndefinedArgInFrom: FROM argument 'VERSON' is not "
            "declared (did you mean VERSION?)");
}

TEST(PlanArgsTest, BlankBaseNameIsAnError) {
  auto plan = PlanText("ARG B\nFROM $B\n");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message(),
            "Dockerfile:2: base name ($B) should not be blank");
}

}  // namespace
}  // namespace zlayer::plan
