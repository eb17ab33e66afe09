#include "progress/json_renderer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "progress/test_support.h"

namespace zlayer::progress {
namespace {

using testing::Capture;

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

TEST(JsonRendererTest, OneObjectPerLine) {
  auto capture = Capture::Pipe();
  {
    JsonRenderer renderer(capture.fd());
    renderer.Emit(BuildStarted{.build_id = "b", .total_stages = 1});
    renderer.Emit(OutputLine{.line = "has\nnewline"});
    renderer.Emit(BuildComplete{.image_id = "sha256:1", .tags = {"t"}});
  }
  std::string text = capture.Finish();
  ASSERT_TRUE(text.ends_with("}\n")) << text;
  auto lines = Lines(text);
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_EQ(lines[0]["type"], "build_started");
  EXPECT_EQ(lines[1]["line"], "has\nnewline");
  EXPECT_EQ(lines[2]["image_id"], "sha256:1");
  // The time is the wall clock when the event was rendered.
  EXPECT_TRUE(lines[2]["time"].get<std::string>().starts_with("20"));
}

TEST(JsonRendererTest, ConcurrentLongLinesNeverInterleave) {
  constexpr int kThreads = 4;
  constexpr int kLines = 300;
  auto capture = Capture::Pipe();
  {
    JsonRenderer renderer(capture.fd());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&renderer, t] {
        for (int i = 0; i < kLines; ++i) {
          // Longer than PIPE_BUF, so only the lock keeps lines whole.
          renderer.Emit(OutputLine{
              .stage = t, .step = i, .line = std::string(9000, 'a' + t)});
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  auto lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const auto& line : lines) {
    int t = line["stage"];
    EXPECT_EQ(line["line"], std::string(9000, 'a' + t));
    EXPECT_EQ(line["step"], next[t]++);
  }
}

}  // namespace
}  // namespace zlayer::progress
