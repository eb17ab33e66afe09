// Stages: bases, --target pruning and dependencies, COPY --from and
// RUN --mount from= resolution, ONBUILD triggers, platforms.
#include <gtest/gtest.h>

#include "plan/plan.h"
#include "plan/plan_testing.h"

namespace zlayer::plan {
namespace {

using testing::FakeImages;
using testing::Options;
using testing::PlanText;

PlanOptions Target(std::string target) {
  PlanOptions options = Options();
  options.target = std::move(target);
  return options;
}

std::string ErrorOf(const std::string& text,
                    const PlanOptions& options = Options()) {
  auto plan = PlanText(text, options);
  EXPECT_FALSE(plan);
  return plan ? "" : plan.error().message();
}

const char kThreeStages[] =
    "FROM busybox AS a\nRUN a\n"
    "FROM alpine AS b\nRUN b\n"
    "FROM a AS c\nRUN c\n";

TEST(PlanStagesTest, TargetPrunesUnneededStages) {
  auto plan = PlanText(kThreeStages);
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->stages.size(), 2u);
  EXPECT_EQ(plan->stages[0].name, "a");
  EXPECT_EQ(plan->stages[0].index, 0);
  EXPECT_EQ(plan->stages[1].name, "c");
  EXPECT_EQ(plan->stages[1].index, 2);
  EXPECT_EQ(plan->target, 1);
  EXPECT_EQ(plan->stages[1].base,
            (SourceRef{.kind = SourceKind::kStage, .stage = 0}));
  EXPECT_EQ(plan->stages[1].deps, std::vector<int>{0});
  EXPECT_TRUE(plan->stages[0].deps.empty());
}

TEST(PlanStagesTest, TargetByNameAnyCaseOrIndex) {
  auto by_name = PlanText(kThreeStages, Target("B"));
  ASSERT_TRUE(by_name) << by_name.error().message();
  ASSERT_EQ(by_name->stages.size(), 1u);
  EXPECT_EQ(by_name->stages[0].name, "b");
  auto by_index = PlanText(kThreeStages, Target("0"));
  ASSERT_TRUE(by_index) << by_index.error().message();
  ASSERT_EQ(by_index->stages.size(), 1u);
  EXPECT_EQ(by_index->stages[0].name, "a");
}

TEST(PlanStagesTest, UnknownTargetIsAUsageError) {
  auto plan = PlanText(kThreeStages, Target("d"));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind(), ErrorKind::kUsage);
  EXPECT_TRUE(plan.error().message().starts_with(
      "target stage \"d\" could not be found"))
      << plan.error().message();
  EXPECT_TRUE(ErrorOf(kThreeStages, Target("3"))
                  .starts_with("target stage \"3\" could not be found"));
}

TEST(PlanStagesTest, BaseIsOnlyAnEarlierStage) {
  FakeImages images;
  images.Add("later");
  auto plan = PlanText("FROM later AS first\nFROM scratch AS later\n",
                       Target("first"), images);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->stages[0].base.kind, SourceKind::kImage);
  EXPECT_EQ(plan->stages[0].base.image_ref, "later:latest");
}

TEST(PlanStagesTest, StageNamesAreLowerCased) {
  auto plan = PlanText("FROM scratch AS Build\nENV A=1\nFROM build\n");
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->stages.size(), 2u);
  EXPECT_EQ(plan->stages[0].name, "build");
  EXPECT_EQ(plan->stages[1].base.kind, SourceKind::kStage);
  EXPECT_EQ(plan->stages[1].base_config.config.env,
            plan->stages[0].final_config.env);
}

TEST(PlanStagesTest, UnknownImageNamesTheLine) {
  auto plan = PlanText("FROM scratch\nFROM nosuch\n");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(plan.error().message(), "Dockerfile:2: image nosuch not found");
}

TEST(PlanStagesTest, ImagesOfUnneededStagesAreNotResolved) {
  FakeImages images;
  images.Add("busybox");
  auto plan = PlanText("FROM nosuch AS x\nFROM busybox\n", Options(), images);
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(images.calls.size(), 1u);
}

TEST(PlanStagesTest, CopyFromNameIndexAndImage) {
  auto plan = PlanText(
      "FROM busybox AS build\nRUN make\n"
      "FROM scratch\nCOPY --from=build /out /a\nCOPY --from=0 /out /b\n"
      "COPY --from=alpine /etc/os-release /c\nCOPY ctx /d\n");
  ASSERT_TRUE(plan) << plan.error().message();
  const PlannedStage& last = plan->stages[1];
  SourceRef stage0{.kind = SourceKind::kStage, .stage = 0};
  EXPECT_EQ(last.steps[0].copy_source, stage0);
  EXPECT_EQ(last.steps[1].copy_source, stage0);
  EXPECT_EQ(last.steps[2].copy_source,
            (SourceRef{.kind = SourceKind::kImage,
                       .image_ref = "alpine:latest",
                       .image_id = "sha256:alpine"}));
  EXPECT_EQ(last.steps[3].copy_source, SourceRef{});
  EXPECT_EQ(last.deps, std::vector<int>{0});
  EXPECT_EQ(last.steps[0].created_by, "COPY /out /a # buildkit");
}

TEST(PlanStagesTest, CopyFromALaterStageIsAnError) {
  EXPECT_EQ(ErrorOf("FROM scratch AS a\nCOPY --from=b /x /y\n"
                    "FROM scratch AS b\n",
                    Target("a")),
            "Dockerfile:2: cannot copy from stage \"b\", it needs to be "
            "defined before current stage \"a\"");
}

TEST(PlanStagesTest, CircularDependencies) {
  EXPECT_EQ(ErrorOf("FROM scratch AS a\nCOPY --from=a /x /y\n"),
            "Dockerfile:2: circular dependency detected on stage: a");
  EXPECT_EQ(ErrorOf("FROM scratch AS a\nCOPY --from=b /x /y\n"
                    "FROM scratch AS b\nRUN --mount=from=a,target=/m true\n"),
            "Dockerfile:2: circular dependency detected on stage: a");
}

TEST(PlanStagesTest, CopyFromRejectsVariablesAndBadIndexes) {
  EXPECT_EQ(ErrorOf("FROM scratch\nARG S=x\nCOPY --from=$S /x /y\n"),
            "Dockerfile:3: variable expansion is not supported for --from, "
            "define a new stage with FROM using ARG from global scope as a "
            "workaround");
  EXPECT_EQ(ErrorOf("FROM scratch\nCOPY --from=5 /x /y\n"),
            "Dockerfile:2: invalid stage index 5");
}

TEST(PlanStagesTest, MountFromStageAndImage) {
  auto plan = PlanText(
      "FROM busybox AS tools\n"
      "FROM scratch\n"
      "RUN --mount=from=tools,target=/t --mount=type=cache,target=/c "
      "--mount=type=bind,from=alpine,target=/a --mount=target=/ctx make\n");
  ASSERT_TRUE(plan) << plan.error().message();
  const Step& run = plan->stages[1].steps[0];
  ASSERT_EQ(run.mount_sources.size(), 4u);
  EXPECT_EQ(run.mount_sources[0],
            (SourceRef{.kind = SourceKind::kStage, .stage = 0}));
  EXPECT_EQ(run.mount_sources[1], SourceRef{});
  EXPECT_EQ(run.mount_sources[2].kind, SourceKind::kImage);
  EXPECT_EQ(run.mount_sources[2].image_id, "sha256:alpine");
  EXPECT_EQ(run.mount_sources[3], SourceRef{});
  EXPECT_EQ(plan->stages[1].deps, std::vector<int>{0});
}

TEST(PlanStagesTest, MountFromALaterStageIsAnError) {
  EXPECT_EQ(ErrorOf("FROM scratch AS a\nRUN --mount=from=b,target=/m true\n"
                    "FROM scratch AS b\n",
                    Target("a")),
            "Dockerfile:2: cannot mount from stage \"b\" to \"/m\", stage "
            "needs to be defined before current command");
}

TEST(PlanStagesTest, FromPlatformPicksTheImagePlatform) {
  FakeImages images;
  images.Add("busybox");
  auto plan = PlanText(
      "FROM --platform=linux/arm64 busybox AS a\nFROM --platform=linux/arm64 "
      "scratch\nCOPY --from=a / /\n",
      Options(), images);
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(images.calls.size(), 1u);
  EXPECT_EQ(images.calls[0].second.architecture, "arm64");
  EXPECT_EQ(plan->stages[0].platform.architecture, "arm64");
  // BuildKit gives scratch the target platform whatever --platform says.
  EXPECT_EQ(plan->stages[1].platform.architecture, "amd64");
}

TEST(PlanStagesTest, BadPlatformIsAnError) {
  EXPECT_EQ(ErrorOf("FROM --platform=linux/a/b/c scratch\n"),
            "Dockerfile:1: failed to parse platform linux/a/b/c: "
            "\"linux/a/b/c\": cannot parse platform specifier: invalid "
            "argument");
}

TEST(PlanStagesTest, ChildStageInheritsPlatformAndConfig) {
  FakeImages images;
  oci::ImageConfig config;
  config.architecture = "arm64";
  images.Add("busybox", config);
  auto plan =
      PlanText("FROM --platform=linux/arm64 busybox AS a\nUSER me\nFROM a\n",
               Options(), images);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->stages[1].platform.architecture, "arm64");
  EXPECT_EQ(plan->stages[1].final_config.user, "me");
}

TEST(PlanStagesTest, HostPlatformWhenNoneIsGiven) {
  PlanOptions options;
  auto plan =
      PlanText("FROM scratch\nARG TARGETOS\nENV O=$TARGETOS\n", options);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->stages[0].platform.os, "linux");
  EXPECT_FALSE(plan->stages[0].platform.architecture.empty());
}

TEST(PlanStagesTest, ImageOnbuildTriggersRunFirst) {
  FakeImages images;
  oci::ImageConfig config;
  config.config.on_build = {"ENV FROM_TRIGGER=1", "RUN echo $FROM_TRIGGER"};
  images.Add("parent", config);
  // The first stage is not needed: its unknown image is never looked up.
  auto plan =
      PlanText("FROM nosuch\nFROM parent\nRUN own\n", Options(), images);
  ASSERT_TRUE(plan) << plan.error().message();
  const PlannedStage& stage = plan->stages[0];
  ASSERT_EQ(stage.steps.size(), 3u);
  EXPECT_TRUE(stage.steps[0].from_onbuild);
  EXPECT_EQ(stage.steps[0].file, "ONBUILD from parent");
  EXPECT_EQ(stage.steps[0].text, "ENV FROM_TRIGGER=1");
  EXPECT_TRUE(stage.steps[1].from_onbuild);
  EXPECT_EQ(stage.steps[1].created_by,
            "RUN /bin/sh -c echo $FROM_TRIGGER # buildkit");
  EXPECT_FALSE(stage.steps[2].from_onbuild);
  EXPECT_EQ(stage.steps[2].file, "Dockerfile:3");
  EXPECT_TRUE(stage.base_config.config.on_build.empty());
  EXPECT_TRUE(stage.final_config.on_build.empty());
  EXPECT_EQ(testing::EnvValue(stage.final_config.env, "FROM_TRIGGER"), "1");
}

TEST(PlanStagesTest, OnbuildIsRecordedWithoutHistory) {
  auto plan =
      PlanText("FROM scratch AS base\nONBUILD ENV X=$Y\nFROM base\nRUN x\n");
  ASSERT_TRUE(plan) << plan.error().message();
  const Step& onbuild = plan->stages[0].steps[0];
  EXPECT_FALSE(onbuild.history);
  EXPECT_EQ(onbuild.config_after.on_build,
            std::vector<std::string>{"ENV X=$Y"});
  const PlannedStage& child = plan->stages[1];
  ASSERT_EQ(child.steps.size(), 2u);
  EXPECT_TRUE(child.steps[0].from_onbuild);
  EXPECT_EQ(child.steps[0].file, "ONBUILD from base");
  EXPECT_TRUE(child.final_config.on_build.empty());
  EXPECT_TRUE(child.base_config.config.on_build.empty());
}

TEST(PlanStagesTest, OnbuildTriggerCanPullInAStage) {
  FakeImages images;
  oci::ImageConfig config;
  config.config.on_build = {"COPY --from=assets /a /a"};
  images.Add("parent", config);
  auto plan =
      PlanText("FROM scratch AS assets\nFROM scratch AS unused\nFROM parent\n",
               Options(), images);
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->stages.size(), 2u);
  EXPECT_EQ(plan->stages[0].name, "assets");
  EXPECT_EQ(plan->stages[1].steps[0].copy_source,
            (SourceRef{.kind = SourceKind::kStage, .stage = 0}));
  EXPECT_EQ(plan->stages[1].deps, std::vector<int>{0});
}

TEST(PlanStagesTest, RefusedOnbuildTriggers) {
  for (const auto& [trigger, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"ONBUILD RUN x",
            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"},
           {"FROM busybox", "FROM isn't allowed as an ONBUILD trigger"},
           {"MAINTAINER me",
            "MAINTAINER isn't allowed as an ONBUILD trigger"}}) {
    FakeImages images;
    oci::ImageConfig config;
    config.config.on_build = {trigger};
    images.Add("parent", config);
    auto plan = PlanText("FROM parent\n", Options(), images);
    ASSERT_FALSE(plan) << trigger;
    EXPECT_EQ(plan.error().message(),
              "Dockerfile:1: ONBUILD trigger \"" + trigger + "\": " + message);
  }
}

TEST(PlanStagesTest, BadTriggerNamesTheFromLine) {
  FakeImages images;
  oci::ImageConfig config;
  config.config.on_build = {"COPY --bogus=1 a b"};
  images.Add("parent", config);
  auto plan = PlanText("\nFROM parent\n", Options(), images);
  ASSERT_FALSE(plan);
  EXPECT_TRUE(plan.error().message().starts_with("Dockerfile:2: "))
      << plan.error().message();
}

TEST(PlanStagesTest, PlanIsDeterministic) {
  const char text[] =
      "ARG V=1\nFROM busybox AS a\nARG V\nRUN --mount=type=cache,target=/c "
      "make $V\nFROM alpine AS b\nCOPY --from=a /x /y\nLABEL a=b c=d\n"
      "EXPOSE 90 80\n";
  auto first = PlanText(text);
  auto second = PlanText(text);
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->stages.size(), second->stages.size());
  for (size_t i = 0; i < first->stages.size(); ++i) {
    const PlannedStage& a = first->stages[i];
    const PlannedStage& b = second->stages[i];
    EXPECT_EQ(a.final_config, b.final_config);
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (size_t j = 0; j < a.steps.size(); ++j) {
      EXPECT_EQ(a.steps[j].canonical, b.steps[j].canonical);
      EXPECT_EQ(a.steps[j].created_by, b.steps[j].created_by);
      EXPECT_EQ(a.steps[j].run_env, b.steps[j].run_env);
      EXPECT_EQ(a.steps[j].cache_args, b.steps[j].cache_args);
    }
  }
  EXPECT_EQ(first->warnings, second->warnings);
}

}  // namespace
}  // namespace zlayer::plan
