#include "base/log.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace zlayer::base {
namespace {

// Counts how often it is formatted, to prove filtered messages are not.
struct Expensive {
  int* formatted;
};

}  // namespace
}  // namespace zlayer::base

template <>
struct fmt::formatter<zlayer::base::Expensive> : fmt::formatter<int> {
  auto format(const zlayer::base::Expensive& e, format_context& ctx) const {
    ++*e.formatted;
    return fmt::formatter<int>::format(*e.formatted, ctx);
  }
};

namespace zlayer::base {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = GetLogLevel(); }
  void TearDown() override {
    SetLogLevel(saved_);
    SetLogSink(nullptr);
  }

  void Capture() {
    SetLogSink([this](LogLevel level, std::string_view message) {
      lines_.push_back(std::string(LogLevelName(level)) + "|" +
                       std::string(message));
    });
  }

  std::vector<std::string> lines_;

 private:
  LogLevel saved_ = LogLevel::kWarn;
};

TEST_F(LogTest, ParsesLevelsInAnyCase) {
  EXPECT_EQ(ParseLogLevel("error").value(), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("WARN").value(), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("Warning").value(), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("info").value(), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("debug").value(), LogLevel::kDebug);
}

TEST_F(LogTest, RejectsUnknownLevels) {
  for (std::string_view bad : {"", "trace", "warnx", "debu"}) {
    auto level = ParseLogLevel(bad);
    ASSERT_FALSE(level.has_value()) << bad;
    EXPECT_EQ(level.error().kind(), ErrorKind::kUsage);
    EXPECT_NE(level.error().message().find(fmt::format("\"{}\"", bad)),
              std::string::npos);
  }
}

TEST_F(LogTest, DefaultLevelIsWarn) {
  // The suite restores the level after each test, so the process default is
  // what SetUp saw unless an earlier test leaked a change.
  EXPECT_EQ(GetLogLevel(), LogLevel::kWarn);
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  EXPECT_TRUE(LogEnabled(LogLevel::kWarn));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
}

TEST_F(LogTest, FiltersBelowTheLevel) {
  Capture();
  SetLogLevel(LogLevel::kInfo);
  LogError("e {}", 1);
  LogWarn("w {}", 2);
  LogInfo("i {}", 3);
  LogDebug("d {}", 4);
  EXPECT_EQ(lines_,
            (std::vector<std::string>{"error|e 1", "warn|w 2", "info|i 3"}));
}

TEST_F(LogTest, FilteredMessagesAreNotFormatted) {
  Capture();
  SetLogLevel(LogLevel::kWarn);
  int formatted = 0;
  LogDebug("value {}", Expensive{&formatted});
  EXPECT_EQ(formatted, 0);
  LogWarn("value {}", Expensive{&formatted});
  EXPECT_EQ(formatted, 1);
  EXPECT_EQ(lines_, (std::vector<std::string>{"warn|value 1"}));
}

TEST_F(LogTest, WritesPrefixedLinesToStderr) {
  SetLogLevel(LogLevel::kDebug);
  ::testing::internal::CaptureStderr();
  LogWarn("disk {} is {}% full", "/var", 93);
  LogDebug("done");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "zlayer: warn: disk /var is 93% full\nzlayer: debug: done\n");
}

TEST_F(LogTest, ConcurrentMessagesStayWhole) {
  std::vector<std::string> seen;
  SetLogSink([&seen](LogLevel, std::string_view message) {
    seen.emplace_back(message);  // unsynchronised on purpose: the lock guards
  });
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kPerThread; ++i) LogError("thread {} line {}", t, i);
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(seen.size(), size_t{kThreads * kPerThread});
  for (const auto& line : seen) EXPECT_EQ(line.rfind("thread ", 0), 0u);
}

}  // namespace
}  // namespace zlayer::base
