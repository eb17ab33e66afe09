#include "zimage/humantime.h"

#include <gtest/gtest.h>

namespace zlayer::zimage {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(HumantimeTest, ParsesUnitsAndSums) {
  EXPECT_EQ(*ParseHumantime("30s"), seconds(30));
  EXPECT_EQ(*ParseHumantime("1m30s"), seconds(90));
  EXPECT_EQ(*ParseHumantime("1h 5m"), minutes(65));
  EXPECT_EQ(*ParseHumantime("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseHumantime("2 sec"), seconds(2));
  EXPECT_EQ(*ParseHumantime("1d"), hours(24));
  EXPECT_EQ(*ParseHumantime("1w"), hours(24 * 7));
  EXPECT_EQ(*ParseHumantime("3minutes 1second"), seconds(181));
  EXPECT_EQ(*ParseHumantime("7ns 8us"), nanoseconds(8007));
  EXPECT_EQ(*ParseHumantime("1M"), seconds(2'630'016));
  EXPECT_EQ(*ParseHumantime("1y"), seconds(31'557'600));
  EXPECT_EQ(*ParseHumantime("0s"), nanoseconds(0));
}

TEST(HumantimeTest, RejectsWithTheCratesReasons) {
  auto reason = [](std::string_view text) {
    Result<nanoseconds> r = ParseHumantime(text);
    EXPECT_FALSE(r) << text;
    return r ? std::string() : r.error().message();
  };
  EXPECT_EQ(reason(""), "value was empty");
  EXPECT_EQ(reason("30"), "time unit needed, for example 30sec or 30ms");
  EXPECT_EQ(reason("s30"), "expected number at 0");
  EXPECT_EQ(reason("1.5s"), "invalid character at 1");
  EXPECT_EQ(reason("5 parsecs"),
            "unknown time unit \"parsecs\", supported units: ns, us, ms, sec, "
            "min, hours, days, weeks, months, years (and few variations)");
  EXPECT_EQ(reason("99999999999999999999s"), "number is too large");
  EXPECT_EQ(reason("9999999999999h"), "number is too large");
}

}  // namespace
}  // namespace zlayer::zimage
