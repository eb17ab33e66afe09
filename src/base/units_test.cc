#include "base/units.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace zlayer::base {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(ParseDurationTest, AcceptsUnitsAndCombinations) {
  std::vector<std::pair<std::string, seconds>> cases = {
      {"0", seconds(0)},
      {"0s", seconds(0)},
      {"90s", seconds(90)},
      {"30m", minutes(30)},
      {"12h", hours(12)},
      {"7d", hours(7 * 24)},
      {"2w", hours(14 * 24)},
      {"1h30m", minutes(90)},
      {"1w2d3h4m5s", seconds(((9 * 24 + 3) * 60 + 4) * 60 + 5)},
      {"168h0m0s", hours(168)},  // FormatDuration's output parses back
  };
  for (const auto& [text, want] : cases) {
    auto got = ParseDuration(text);
    ASSERT_TRUE(got.has_value()) << text << ": " << got.error().message();
    EXPECT_EQ(*got, want) << text;
  }
}

TEST(ParseDurationTest, RejectsWithMessagesNamingTheText) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"", "invalid duration \"\": empty"},
      {"-5m", "invalid duration \"-5m\": must not be negative"},
      {"5", "invalid duration \"5\": missing unit"},
      {"5y", "invalid duration \"5y\": unknown unit \"y\""},
      {"1hr", "invalid duration \"1hr\": unknown unit \"hr\""},
      {"1.5h", "invalid duration \"1.5h\": fractions are not supported"},
      {"h", "invalid duration \"h\": unexpected \"h\""},
      {" 5m", "invalid duration \" 5m\": unexpected \" \""},
      {"99999999999999999999s",
       "invalid duration \"99999999999999999999s\": "
       "out of range"},
      {"99999999999999w", "invalid duration \"99999999999999w\": out of range"},
  };
  for (const auto& [text, want] : cases) {
    auto got = ParseDuration(text);
    ASSERT_FALSE(got.has_value()) << text;
    EXPECT_EQ(got.error().message().substr(0, want.size()), want);
    EXPECT_EQ(got.error().kind(), ErrorKind::kInvalid);
  }
}

// Cases from Go's time package tests.
TEST(ParseGoDurationTest, MatchesGo) {
  std::vector<std::pair<std::string, int64_t>> cases = {
      {"0", 0},
      {"5s", 5'000'000'000},
      {"30s", 30'000'000'000},
      {"1478s", 1478'000'000'000},
      {"-5s", -5'000'000'000},
      {"+5s", 5'000'000'000},
      {"-0", 0},
      {"+0", 0},
      {"5.0s", 5'000'000'000},
      {"5.6s", 5'600'000'000},
      {"5.s", 5'000'000'000},
      {".5s", 500'000'000},
      {"1.004s", 1'004'000'000},
      {"100.00100s", 100'001'000'000},
      {"10ns", 10},
      {"11us", 11'000},
      {"12\u00b5s", 12'000},
      {"12\u03bcs", 12'000},
      {"13ms", 13'000'000},
      {"15m", nanoseconds(minutes(15)).count()},
      {"16h", nanoseconds(hours(16)).count()},
      {"3h30m", nanoseconds(minutes(210)).count()},
      {"10.5s4m", nanoseconds(minutes(4) + milliseconds(10500)).count()},
      {"-2m3.4s", -nanoseconds(minutes(2) + milliseconds(3400)).count()},
      {"1h2m3s4ms5us6ns", nanoseconds(hours(1) + minutes(2) + seconds(3) +
                                      milliseconds(4) + microseconds(5))
                                  .count() +
                              6},
      {"39h9m14.425s",
       nanoseconds(hours(39) + minutes(9) + milliseconds(14425)).count()},
      {"52763797000ns", 52763797000},
      {"0.3333333333333333333h", nanoseconds(minutes(20)).count()},
      {"9007199254740993ns", (int64_t{1} << 53) + 1},
      {"9223372036854775807ns", kMax},
      {"9223372036854775.807us", kMax},
      {"9223372036s854ms775us807ns", kMax},
      {"-9223372036854775808ns", kMin},
      {"-9223372036854775.808us", kMin},
      {"-9223372036s854ms775us808ns", kMin},
      {"-2562047h47m16.854775808s", kMin},
      {"0.100000000000000000000h", nanoseconds(minutes(6)).count()},
      {"0.830103483285477580700h",
       nanoseconds(minutes(49) + seconds(48)).count() + 372539827},
  };
  for (const auto& [text, want] : cases) {
    auto got = ParseGoDuration(text);
    ASSERT_TRUE(got.has_value()) << text << ": " << got.error().message();
    EXPECT_EQ(got->count(), want) << text;
  }
}

TEST(ParseGoDurationTest, RejectsWhatGoRejects) {
  for (std::string text :
       {"", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "\x85\x85",
        "\xff"
        "ff",
        "hello \xff"
        "ff world",
        "9223372036854775808ns", "9223372036854775.808us",
        "9223372036854ms775us808ns", "-9223372036854775809ns", "1h ", " 1h",
        "1e3s"}) {
    auto got = ParseGoDuration(text);
    ASSERT_FALSE(got.has_value()) << text;
    EXPECT_EQ(got.error().kind(), ErrorKind::kInvalid);
  }
  EXPECT_EQ(ParseGoDuration("1d").error().message(),
            "invalid duration \"1d\": unknown unit \"d\" (want ns, us, ms, s, "
            "m or h)");
  EXPECT_EQ(ParseGoDuration("3").error().message(),
            "invalid duration \"3\": missing unit");
  EXPECT_EQ(ParseGoDuration("\x01s").error().message(),
            "invalid duration \"\\x01s\": bad number");
}

TEST(FormatDurationTest, MatchesGo) {
  std::vector<std::pair<std::string, int64_t>> cases = {
      {"0s", 0},
      {"1ns", 1},
      {"1.1\u00b5s", 1100},
      {"2.2ms", 2'200'000},
      {"3.3s", 3'300'000'000},
      {"4m5s", nanoseconds(minutes(4) + seconds(5)).count()},
      {"4m5.001s", nanoseconds(minutes(4) + milliseconds(5001)).count()},
      {"5h6m7.001s",
       nanoseconds(hours(5) + minutes(6) + milliseconds(7001)).count()},
      {"8m0.000000001s", nanoseconds(minutes(8)).count() + 1},
      {"168h0m0s", nanoseconds(hours(168)).count()},
      {"-1.5s", -1'500'000'000},
      {"2562047h47m16.854775807s", kMax},
      {"-2562047h47m16.854775808s", kMin},
  };
  for (const auto& [want, ns] : cases) {
    EXPECT_EQ(FormatDuration(nanoseconds(ns)), want);
    EXPECT_EQ(ParseGoDuration(want).value().count(), ns) << want;
  }
}

TEST(ParseSizeTest, FollowsDockerRamInBytes) {
  constexpr uint64_t kKi = 1024, kMi = kKi * 1024, kGi = kMi * 1024;
  constexpr uint64_t kTi = kGi * 1024, kPi = kTi * 1024;
  std::vector<std::pair<std::string, uint64_t>> cases = {
      {"32", 32},
      {"32b", 32},
      {"32B", 32},
      {"32k", 32 * kKi},
      {"32K", 32 * kKi},
      {"32kb", 32 * kKi},
      {"32Kb", 32 * kKi},
      {"32KiB", 32 * kKi},
      {"32Mb", 32 * kMi},
      {"32Gb", 32 * kGi},
      {"32Tb", 32 * kTi},
      {"8Pb", 8 * kPi},
      {"32.3", 32},
      {"32.3 mb", 33869004},
      {"1.5GB", 3 * kGi / 2},
      {".5k", 512},
      {"1.", 1},
      {"0", 0},
      {"0.3k", 307},
      {"1 GiB", kGi},
      {"9223372036854775807", 9223372036854775807u},
      {"8191.999999999999999999999999Pb", 9223372036854775807u},
  };
  for (const auto& [text, want] : cases) {
    auto got = ParseSize(text);
    ASSERT_TRUE(got.has_value()) << text << ": " << got.error().message();
    EXPECT_EQ(*got, want) << text;
  }
}

TEST(ParseSizeTest, RejectsBadSizes) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"", "invalid size \"\""},
      {"hello", "invalid size \"hello\""},
      {"-32", "invalid size \"-32\""},
      {".", "invalid size \".\""},
      {"1.2.3k", "invalid size \"1.2.3k\""},
      {"32bb", "invalid suffix \"bb\" in size \"32bb\""},
      {"32kib5", "invalid size \"32kib5\""},
      {"32mbx", "invalid suffix \"mbx\" in size \"32mbx\""},
      {"32ki", "invalid suffix \"ki\" in size \"32ki\""},
      {"32x", "invalid suffix \"x\" in size \"32x\""},
      {"1e3", "invalid size \"1e3\""},
      {"8192Pb", "size \"8192Pb\" is too large"},
      {"9223372036854775808", "size \"9223372036854775808\" is too large"},
      {"99999999999999999999999", "is too large"},
  };
  for (const auto& [text, want] : cases) {
    auto got = ParseSize(text);
    ASSERT_FALSE(got.has_value()) << text;
    EXPECT_NE(got.error().message().find(want), std::string::npos)
        << got.error().message();
    EXPECT_EQ(got.error().kind(), ErrorKind::kInvalid);
  }
}

TEST(FormatSizeTest, MatchesDockerHumanSize) {
  EXPECT_EQ(FormatSize(0), "0B");
  EXPECT_EQ(FormatSize(999), "999B");
  EXPECT_EQ(FormatSize(1000), "1kB");
  EXPECT_EQ(FormatSize(1024), "1.024kB");
  EXPECT_EQ(FormatSize(1500000), "1.5MB");
  EXPECT_EQ(FormatSize(123456789), "123.5MB");
  EXPECT_EQ(FormatSize(3 * 1000ull * 1000 * 1000 * 1000), "3TB");
  EXPECT_EQ(FormatSize(std::numeric_limits<uint64_t>::max()), "18.45EB");
}

}  // namespace
}  // namespace zlayer::base
