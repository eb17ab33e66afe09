#include "progress/events.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace zlayer::progress {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::system_clock;

// 2024-05-01T12:30:45.123Z
const system_clock::time_point kTime =
    system_clock::time_point(milliseconds(1714566645123));

nlohmann::json Parse(const Event& event) {
  std::string text = EventToJson(event, kTime);
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  nlohmann::json json = nlohmann::json::parse(text);
  EXPECT_EQ(json["type"], EventTypeName(event));
  EXPECT_EQ(json["time"], "2024-05-01T12:30:45.123Z");
  return json;
}

TEST(EventTypeNameTest, NamesEveryEvent) {
  EXPECT_STREQ(EventTypeName(BuildStarted{}), "build_started");
  EXPECT_STREQ(EventTypeName(StageStarted{}), "stage_started");
  EXPECT_STREQ(EventTypeName(InstructionStarted{}), "instruction_started");
  EXPECT_STREQ(EventTypeName(OutputLine{}), "output_line");
  EXPECT_STREQ(EventTypeName(InstructionComplete{}), "instruction_complete");
  EXPECT_STREQ(EventTypeName(StageComplete{}), "stage_complete");
  EXPECT_STREQ(EventTypeName(BuildComplete{}), "build_complete");
  EXPECT_STREQ(EventTypeName(BuildFailed{}), "build_failed");
  EXPECT_STREQ(EventTypeName(TransferProgress{}), "transfer_progress");
}

TEST(EventToJsonTest, TransferProgress) {
  auto json = Parse(TransferProgress{.kind = TransferKind::kPush,
                                     .ref = "127.0.0.1:5000/app:v1",
                                     .digest = "sha256:abc",
                                     .what = "layer",
                                     .state = TransferState::kRunning,
                                     .done = 5000000000,
                                     .total = 6000000000});
  EXPECT_EQ(json.size(), 9u) << json;
  EXPECT_EQ(json["kind"], "push");
  EXPECT_EQ(json["ref"], "127.0.0.1:5000/app:v1");
  EXPECT_EQ(json["digest"], "sha256:abc");
  EXPECT_EQ(json["what"], "layer");
  EXPECT_EQ(json["state"], "running");
  // Sizes beyond 32 bits stay exact.
  EXPECT_EQ(json["done"], 5000000000u);
  EXPECT_EQ(json["total"], 6000000000u);
}

TEST(EventToJsonTest, TransferStatesAndKinds) {
  const std::pair<TransferState, const char*> states[] = {
      {TransferState::kStarted, "started"},
      {TransferState::kRunning, "running"},
      {TransferState::kDone, "done"},
      {TransferState::kExists, "exists"},
      {TransferState::kMounted, "mounted"},
      {TransferState::kFailed, "failed"},
  };
  for (const auto& [state, name] : states) {
    auto json = Parse(TransferProgress{.state = state});
    EXPECT_EQ(json["state"], name);
    EXPECT_EQ(json["kind"], "pull");
  }
}

TEST(EventToJsonTest, BuildStarted) {
  auto json = Parse(BuildStarted{.build_id = "b1",
                                 .file = "app/Dockerfile",
                                 .total_stages = 2,
                                 .total_steps = 7});
  EXPECT_EQ(json.size(), 6u) << json;
  EXPECT_EQ(json["build_id"], "b1");
  EXPECT_EQ(json["file"], "app/Dockerfile");
  EXPECT_EQ(json["total_stages"], 2);
  EXPECT_EQ(json["total_steps"], 7);
}

TEST(EventToJsonTest, StageStarted) {
  auto json = Parse(StageStarted{
      .stage = 1, .name = "build", .base = "alpine:3", .steps = 4});
  EXPECT_EQ(json.size(), 6u) << json;
  EXPECT_EQ(json["stage"], 1);
  EXPECT_EQ(json["name"], "build");
  EXPECT_EQ(json["base"], "alpine:3");
  EXPECT_EQ(json["steps"], 4);
}

TEST(EventToJsonTest, InstructionStarted) {
  auto json =
      Parse(InstructionStarted{.stage = 1, .step = 3, .text = "RUN make"});
  EXPECT_EQ(json.size(), 5u) << json;
  EXPECT_EQ(json["stage"], 1);
  EXPECT_EQ(json["step"], 3);
  EXPECT_EQ(json["text"], "RUN make");
}

TEST(EventToJsonTest, OutputLineNamesItsStream) {
  auto out = Parse(OutputLine{.stage = 0, .step = 2, .line = "compiling"});
  EXPECT_EQ(out.size(), 6u) << out;
  EXPECT_EQ(out["stage"], 0);
  EXPECT_EQ(out["step"], 2);
  EXPECT_EQ(out["stream"], "stdout");
  EXPECT_EQ(out["line"], "compiling");
  auto err = Parse(OutputLine{.stream = Stream::kStderr, .line = "warning"});
  EXPECT_EQ(err["stream"], "stderr");
}

TEST(EventToJsonTest, InstructionCompleteHasDurationInMilliseconds) {
  auto json = Parse(
      InstructionComplete{.stage = 0,
                          .step = 2,
                          .cached = false,
                          .duration = nanoseconds(1500000),
                          .cache_miss_reason = "file app/main.c changed"});
  EXPECT_EQ(json.size(), 7u) << json;
  EXPECT_EQ(json["step"], 2);
  EXPECT_EQ(json["cached"], false);
  ASSERT_TRUE(json["duration_ms"].is_number_float()) << json;
  EXPECT_DOUBLE_EQ(json["duration_ms"].get<double>(), 1.5);
  EXPECT_EQ(json["cache_miss_reason"], "file app/main.c changed");

  auto hit = Parse(InstructionComplete{.cached = true});
  EXPECT_EQ(hit["cached"], true);
  EXPECT_EQ(hit["cache_miss_reason"], "");
  EXPECT_TRUE(hit["duration_ms"].is_number_float()) << hit;
}

TEST(EventToJsonTest, StageComplete) {
  auto json = Parse(StageComplete{.stage = 3, .duration = milliseconds(2500)});
  EXPECT_EQ(json.size(), 4u) << json;
  EXPECT_EQ(json["stage"], 3);
  EXPECT_DOUBLE_EQ(json["duration_ms"].get<double>(), 2500.0);
}

TEST(EventToJsonTest, BuildCompleteListsTags) {
  auto json = Parse(BuildComplete{.image_id = "sha256:abc",
                                  .tags = {"app:latest", "app:1.0"},
                                  .duration = nanoseconds(1)});
  EXPECT_EQ(json.size(), 5u) << json;
  EXPECT_EQ(json["image_id"], "sha256:abc");
  EXPECT_EQ(json["tags"], nlohmann::json({"app:latest", "app:1.0"}));
  EXPECT_DOUBLE_EQ(json["duration_ms"].get<double>(), 0.000001);
  EXPECT_TRUE(Parse(BuildComplete{})["tags"].is_array());
}

TEST(EventToJsonTest, BuildFailedKeepsUnknownStepAsMinusOne) {
  auto json = Parse(BuildFailed{.error = "Dockerfile:3: RUN false: exit 1"});
  EXPECT_EQ(json.size(), 5u) << json;
  EXPECT_EQ(json["error"], "Dockerfile:3: RUN false: exit 1");
  EXPECT_EQ(json["stage"], -1);
  EXPECT_EQ(json["step"], -1);
  auto named = Parse(BuildFailed{.error = "x", .stage = 1, .step = 0});
  EXPECT_EQ(named["stage"], 1);
  EXPECT_EQ(named["step"], 0);
}

TEST(EventToJsonTest, TypeComesFirstAndTimeLast) {
  std::string text = EventToJson(InstructionStarted{.text = "RUN x"}, kTime);
  EXPECT_EQ(text.rfind(R"({"type":"instruction_started",)", 0), 0u) << text;
  EXPECT_TRUE(text.ends_with(R"("time":"2024-05-01T12:30:45.123Z"})")) << text;
}

TEST(EventToJsonTest, TimeIsUtcWithMilliseconds) {
  auto at = [](int64_t ms) {
    std::string text = EventToJson(StageComplete{},
                                   system_clock::time_point(milliseconds(ms)));
    return nlohmann::json::parse(text)["time"].get<std::string>();
  };
  EXPECT_EQ(at(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(at(951782400007), "2000-02-29T00:00:00.007Z");
  // Before the epoch the milliseconds still count up within the second.
  EXPECT_EQ(at(-1), "1969-12-31T23:59:59.999Z");
  // Sub-millisecond parts are dropped, not rounded.
  EXPECT_EQ(nlohmann::json::parse(EventToJson(
                StageComplete{}, system_clock::time_point(milliseconds(5)) +
                                     std::chrono::microseconds(999)))["time"],
            "1970-01-01T00:00:00.005Z");
}

TEST(EventToJsonTest, EscapesAndSurvivesInvalidUtf8) {
  std::string line = "say \"hi\"\\\t\x01 caf\xc3\xa9 bad\xff\xfe end\nmore";
  std::string text = EventToJson(OutputLine{.line = line}, kTime);
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_NE(text.find(R"(\u0001)"), std::string::npos) << text;
  auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["line"],
            "say \"hi\"\\\t\x01 caf\xc3\xa9 bad\xef\xbf\xbd\xef\xbf\xbd "
            "end\nmore");
}

}  // namespace
}  // namespace zlayer::progress
