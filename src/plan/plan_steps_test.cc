// Filesystem steps: RUN, COPY, ADD. History texts, mounts (default cache
// mounts included), canonical texts and what changes them.
#include <gtest/gtest.h>

#include "plan/plan.h"
#include "plan/plan_testing.h"

namespace zlayer::plan {
namespace {

using testing::Options;
using testing::PlanText;

const Step& LastStep(const Plan& plan) {
  return plan.stages[plan.target].steps.back();
}

Step StepOf(const std::string& text, const PlanOptions& options = Options()) {
  auto plan = PlanText(text, options);
  EXPECT_TRUE(plan) << plan.error().message();
  return plan ? LastStep(*plan) : Step{};
}

std::string CanonicalOf(const std::string& text,
                        const PlanOptions& options = Options()) {
  return StepOf(text, options).canonical;
}

std::string ErrorOf(const std::string& text,
                    const PlanOptions& options = Options()) {
  auto plan = PlanText(text, options);
  EXPECT_FALSE(plan);
  return plan ? "" : plan.error().message();
}

PlanOptions WithDefaultMounts(std::vector<std::string> mounts) {
  PlanOptions options = Options();
  options.default_cache_mounts = std::move(mounts);
  return options;
}

TEST(PlanStepsTest, RunHistoryListsArgsInScope) {
  Step step = StepOf("FROM scratch\nARG A=1\nARG B\nARG A=2\nRUN make all\n");
  EXPECT_EQ(step.created_by, "RUN |2 A=2 B= /bin/sh -c make all # buildkit");
  EXPECT_EQ(step.cache_args, (std::vector<std::string>{"A=2", "B="}));
  EXPECT_TRUE(step.changes_filesystem);
  EXPECT_EQ(step.text, "RUN make all");
  EXPECT_EQ(step.file, "Dockerfile:5");
}

TEST(PlanStepsTest, RunExecFormIsNotExpandedNorShelled) {
  Step step = StepOf("FROM scratch\nENV X=1\nRUN [\"echo\", \"$X\"]\n");
  EXPECT_EQ(step.created_by, "RUN echo $X # buildkit");
  const auto& run = std::get<dockerfile::RunCommand>(step.command);
  EXPECT_EQ(run.command.cmd_line, (std::vector<std::string>{"echo", "$X"}));
  EXPECT_NE(step.canonical.find("form \"exec\""), std::string::npos);
}

TEST(PlanStepsTest, RunHeredocHistory) {
  Step step = StepOf("FROM scratch\nRUN <<EOF\necho a\necho b\nEOF\n");
  EXPECT_EQ(step.created_by, "RUN /bin/sh -c echo a\necho b\n # buildkit");
  EXPECT_EQ(step.text, "RUN <<EOF");
}

TEST(PlanStepsTest, CopyHistoryFormat) {
  Step step = StepOf(
      "FROM scratch\nARG U=1000\nCOPY --chown=$U:$U --chmod=644 --link a b "
      "/dst/\n");
  EXPECT_EQ(step.created_by,
            "COPY --chown=1000:1000 --chmod=644 a b /dst/ # buildkit");
  const auto& copy = std::get<dockerfile::CopyCommand>(step.command);
  EXPECT_EQ(copy.chown, "1000:1000");
  EXPECT_TRUE(step.changes_filesystem);
  EXPECT_EQ(step.cache_args, std::vector<std::string>{"U=1000"});
}

TEST(PlanStepsTest, CopyHeredocIsExpandedRaw) {
  Step step = StepOf(
      "FROM scratch\nARG N=world\nCOPY <<EOF /greeting\n\"hello $N\"\nEOF\n");
  EXPECT_EQ(step.created_by, "COPY <<EOF /greeting # buildkit");
  const auto& copy = std::get<dockerfile::CopyCommand>(step.command);
  ASSERT_EQ(copy.files.source_contents.size(), 1u);
  EXPECT_EQ(copy.files.source_contents[0].data, "\"hello world\"\n");
}

TEST(PlanStepsTest, AddHistoryAndChecks) {
  Step step = StepOf("FROM scratch\nADD --chown=1 a.tar /x\n");
  EXPECT_EQ(step.created_by, "ADD --chown=1 a.tar /x # buildkit");
  EXPECT_EQ(step.copy_source, SourceRef{});
  EXPECT_EQ(ErrorOf("FROM scratch\nADD --checksum=sha256:abc a b /x\n"),
            "Dockerfile:2: checksum can't be specified for multiple sources");
  EXPECT_EQ(ErrorOf("FROM scratch\nADD --checksum=sha256:abc a /x\n"),
            "Dockerfile:2: checksum requires HTTP(S) or Git sources");
  EXPECT_EQ(ErrorOf("FROM scratch\nCOPY https://x/y /z\n"),
            "Dockerfile:2: source can't be a URL for COPY");
  EXPECT_EQ(ErrorOf("FROM scratch\nCOPY --chmod=0778 a /z\n"),
            "Dockerfile:2: invalid chmod parameter: '0778'. it should be "
            "octal string and between 0 and 07777");
}

TEST(PlanStepsTest, ExpansionErrorsNameTheLine) {
  std::string message = ErrorOf("FROM scratch\n\nCOPY ${X:?must_be_set} /\n");
  EXPECT_TRUE(message.starts_with("Dockerfile:3: ")) << message;
  EXPECT_NE(message.find("must_be_set"), std::string::npos) << message;
}

TEST(PlanStepsTest, DefaultCacheMountsAreAddedToEveryRun) {
  auto plan = PlanText(
      "FROM scratch\nRUN a\nRUN --mount=type=cache,target=/root/.cache,id=own "
      "b\nWORKDIR /root\nRUN --mount=type=bind,target=.cache c\n",
      WithDefaultMounts({"type=cache,target=/root/.cache"}));
  ASSERT_TRUE(plan) << plan.error().message();
  const std::vector<Step>& steps = plan->stages[0].steps;
  const auto& first = std::get<dockerfile::RunCommand>(steps[0].command);
  ASSERT_EQ(first.mounts.size(), 1u);
  EXPECT_EQ(first.mounts[0].type, dockerfile::MountType::kCache);
  EXPECT_EQ(first.mount_specs[0], "type=cache,target=/root/.cache");
  ASSERT_EQ(steps[0].mount_sources.size(), 1u);
  // The RUN's own mount on the same target wins...
  const auto& second = std::get<dockerfile::RunCommand>(steps[1].command);
  ASSERT_EQ(second.mounts.size(), 1u);
  EXPECT_EQ(second.mounts[0].id, "own");
  // ...even a bind mount, and a relative one under WORKDIR.
  const auto& third = std::get<dockerfile::RunCommand>(steps[3].command);
  ASSERT_EQ(third.mounts.size(), 1u);
  EXPECT_EQ(third.mounts[0].type, dockerfile::MountType::kBind);
  EXPECT_EQ(steps[3].mount_sources.size(), 1u);
}

TEST(PlanStepsTest, DefaultCacheMountsAreExpandedPerStage) {
  auto plan = PlanText("FROM scratch\nARG CACHE=/c1\nRUN a\n",
                       WithDefaultMounts({"type=cache,target=$CACHE"}));
  ASSERT_TRUE(plan) << plan.error().message();
  const auto& run =
      std::get<dockerfile::RunCommand>(plan->stages[0].steps[1].command);
  ASSERT_EQ(run.mounts.size(), 1u);
  EXPECT_EQ(run.mounts[0].target, "/c1");
}

TEST(PlanStepsTest, BadDefaultCacheMountIsAUsageError) {
  auto plan = PlanText("FROM scratch\nRUN a\n",
                       WithDefaultMounts({"type=cache,\"target"}));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind(), ErrorKind::kUsage);
  EXPECT_TRUE(plan.error().message().starts_with("default cache mount "))
      << plan.error().message();
}

TEST(PlanStepsTest, MountTargetRootIsRefused) {
  EXPECT_EQ(ErrorOf("FROM scratch\nRUN --mount=type=tmpfs,target=/ true\n"),
            "Dockerfile:2: invalid mount target \"/\"");
}

TEST(PlanStepsTest, SecretMountsEnterCanonicalByIdOnly) {
  std::string canonical = CanonicalOf(
      "FROM scratch\nRUN --mount=type=secret,id=tok,required true\n");
  EXPECT_NE(canonical.find("type=secret,id=tok,target=/run/secrets/tok,env="),
            std::string::npos)
      << canonical;
  EXPECT_EQ(canonical.find("required"), std::string::npos);
}

TEST(PlanStepsTest, RunCanonicalTracksEnvUserWorkdirShellAndNetwork) {
  const std::string base = "FROM scratch\nENV A=1\nRUN make\n";
  std::string canonical = CanonicalOf(base);
  EXPECT_EQ(canonical, CanonicalOf(base));
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nENV A=2\nRUN make\n"));
  EXPECT_NE(canonical,
            CanonicalOf("FROM scratch\nENV A=1\nUSER x\nRUN make\n"));
  EXPECT_NE(canonical,
            CanonicalOf("FROM scratch\nENV A=1\nWORKDIR /w\nRUN make\n"));
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nENV A=1\nSHELL "
                                   "[\"/bin/bash\",\"-c\"]\nRUN make\n"));
  EXPECT_NE(canonical,
            CanonicalOf("FROM scratch\nENV A=1\nRUN --network=none make\n"));
}

TEST(PlanStepsTest, RunCanonicalIgnoresArgValuesWhichAreCacheArgs) {
  const std::string text = "FROM scratch\nARG V\nRUN make\n";
  Step one = StepOf(text, Options({{"V", "1"}}));
  Step two = StepOf(text, Options({{"V", "2"}}));
  EXPECT_EQ(one.canonical, two.canonical);
  EXPECT_EQ(one.cache_args, std::vector<std::string>{"V=1"});
  EXPECT_EQ(two.cache_args, std::vector<std::string>{"V=2"});
}

TEST(PlanStepsTest, CopyCanonicalChangesOnlyWithWhatItUses) {
  const std::string text = "FROM scratch\nARG V\nCOPY a /dst\n";
  Step one = StepOf(text, Options({{"V", "1"}}));
  Step two = StepOf(text, Options({{"V", "2"}}));
  EXPECT_EQ(one.canonical, two.canonical);
  EXPECT_TRUE(one.cache_args.empty());
  // The ARG step itself does not depend on the value either.
  auto plan_one = PlanText(text, Options({{"V", "1"}}));
  auto plan_two = PlanText(text, Options({{"V", "2"}}));
  ASSERT_TRUE(plan_one && plan_two);
  EXPECT_EQ(plan_one->stages[0].steps[0].canonical,
            plan_two->stages[0].steps[0].canonical);

  std::string canonical = CanonicalOf("FROM scratch\nCOPY a dst\n");
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nCOPY a dst2\n"));
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nCOPY b dst\n"));
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nWORKDIR /w\nCOPY a dst\n"));
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nCOPY --chmod=600 a dst\n"));
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nCOPY --link a dst\n"));
  EXPECT_NE(canonical,
            CanonicalOf("FROM scratch\nCOPY --exclude=*.md a dst\n"));
  // An ENV the step does not read does not enter its canonical text (the
  // ENV step is its parent already).
  EXPECT_EQ(canonical, CanonicalOf("FROM scratch\nENV Q=1\nCOPY a dst\n"));
}

TEST(PlanStepsTest, MetadataCanonicalTracksExpandedValues) {
  std::string canonical = CanonicalOf("FROM scratch\nARG L=1\nLABEL v=$L\n");
  EXPECT_EQ(canonical, CanonicalOf("FROM scratch\nARG L=1\nLABEL v=$L\n"));
  EXPECT_NE(canonical, CanonicalOf("FROM scratch\nARG L=2\nLABEL v=$L\n"));
  EXPECT_NE(CanonicalOf("FROM scratch\nCMD [\"a\"]\n"),
            CanonicalOf("FROM scratch\nENTRYPOINT [\"a\"]\n"));
}

}  // namespace
}  // namespace zlayer::plan
