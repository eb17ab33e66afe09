#include "engine/cache_key.h"

#include <gtest/gtest.h>

namespace zlayer::engine {
namespace {

plan::Step MakeStep(std::string canonical, std::vector<std::string> args = {}) {
  plan::Step step;
  step.canonical = std::move(canonical);
  step.cache_args = std::move(args);
  return step;
}

copy::InputFile File(const std::string& path, const std::string& content) {
  return copy::InputFile{.path = path, .hash = base::Digest::Of(content)};
}

TEST(StepKeyTest, DependsOnEveryPart) {
  std::string base = StepKey("p", MakeStep("RUN a", {"A=1"}), "in");
  EXPECT_EQ(base, StepKey("p", MakeStep("RUN a", {"A=1"}), "in"));
  EXPECT_NE(base, StepKey("q", MakeStep("RUN a", {"A=1"}), "in"));
  EXPECT_NE(base, StepKey("p", MakeStep("RUN b", {"A=1"}), "in"));
  EXPECT_NE(base, StepKey("p", MakeStep("RUN a", {"A=2"}), "in"));
  EXPECT_NE(base, StepKey("p", MakeStep("RUN a", {"A=1"}), "out"));
  EXPECT_EQ(base.size(), 64u);
}

TEST(StepKeyTest, FieldsDoNotRunTogether) {
  EXPECT_NE(StepKey("ab", MakeStep("c"), ""), StepKey("a", MakeStep("bc"), ""));
}

TEST(StepRecordTest, RoundTrips) {
  StepRecord record{.key = "k",
                    .parent = "p",
                    .canonical = "COPY a /b",
                    .args = {"A=1"},
                    .env = {"PATH=/bin"},
                    .files = {File("a", "x"), File("dir/b", "y")}};
  auto parsed = ParseStepRecord(SerializeStepRecord(record));
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->key, "k");
  EXPECT_EQ(parsed->parent, "p");
  EXPECT_EQ(parsed->canonical, "COPY a /b");
  EXPECT_EQ(parsed->args, record.args);
  EXPECT_EQ(parsed->env, record.env);
  EXPECT_EQ(parsed->files, record.files);
}

TEST(StepRecordTest, RejectsGarbage) {
  EXPECT_FALSE(ParseStepRecord("not json"));
  EXPECT_FALSE(ParseStepRecord(R"({"files":[["a","md5:x"]]})"));
}

TEST(StepLocationTest, DistinguishesSteps) {
  EXPECT_EQ(StepLocation("/c", "Dockerfile", 0, 1),
            StepLocation("/c", "Dockerfile", 0, 1));
  EXPECT_NE(StepLocation("/c", "Dockerfile", 0, 1),
            StepLocation("/c", "Dockerfile", 1, 0));
  EXPECT_NE(StepLocation("/c", "Dockerfile", 0, 1),
            StepLocation("/d", "Dockerfile", 0, 1));
}

class ExplainMissTest : public ::testing::Test {
 protected:
  StepRecord before_{.key = "k1",
                     .parent = "p",
                     .canonical = "COPY . /app",
                     .args = {"V=1"},
                     .env = {"PATH=/bin", "X=1"},
                     .files = {File("a.txt", "a"), File("src/b.c", "b")}};
};

TEST_F(ExplainMissTest, NoEarlierBuild) {
  EXPECT_EQ(ExplainMiss(std::nullopt, before_, false),
            "no earlier build of this step");
}

TEST_F(ExplainMissTest, NamesTheChangedFile) {
  StepRecord now = before_;
  now.files[1] = File("src/b.c", "changed");
  EXPECT_EQ(ExplainMiss(before_, now, false), "file src/b.c changed");
}

TEST_F(ExplainMissTest, NamesAddedAndRemovedFiles) {
  StepRecord added = before_;
  added.files.push_back(File("z.txt", "z"));
  EXPECT_EQ(ExplainMiss(before_, added, false), "file z.txt added");
  StepRecord removed = before_;
  removed.files.erase(removed.files.begin());
  EXPECT_EQ(ExplainMiss(before_, removed, false), "file a.txt removed");
}

TEST_F(ExplainMissTest, NamesTheBuildArg) {
  StepRecord now = before_;
  now.args = {"V=2"};
  EXPECT_EQ(ExplainMiss(before_, now, false), "build arg V changed");
}

TEST_F(ExplainMissTest, NamesTheEnvVariable) {
  StepRecord now = before_;
  now.env = {"PATH=/bin", "X=2"};
  EXPECT_EQ(ExplainMiss(before_, now, false), "ENV X changed");
}

TEST_F(ExplainMissTest, InstructionText) {
  StepRecord now = before_;
  now.canonical = "COPY . /srv";
  EXPECT_EQ(ExplainMiss(before_, now, false), "instruction changed");
}

TEST_F(ExplainMissTest, ParentBeforeEverythingElse) {
  StepRecord now = before_;
  now.parent = "other";
  now.canonical = "COPY . /srv";
  EXPECT_EQ(ExplainMiss(before_, now, false), "previous step changed");
  EXPECT_EQ(ExplainMiss(before_, now, true), "base image changed");
}

TEST_F(ExplainMissTest, NamesAChangedSourceStage) {
  StepRecord before = before_;
  before.files.clear();
  before.inputs = "stage:aaa";
  StepRecord now = before;
  now.inputs = "stage:bbb";
  now.key = "k2";
  EXPECT_EQ(ExplainMiss(before, now, false), "source stage changed");
}

TEST_F(ExplainMissTest, SameInputsMeansTheEntryWentAway) {
  EXPECT_EQ(ExplainMiss(before_, before_, false),
            "cache entry expired or pruned");
}

}  // namespace
}  // namespace zlayer::engine
