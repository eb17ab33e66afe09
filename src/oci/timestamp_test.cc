#include "oci/timestamp.h"

#include <gtest/gtest.h>

namespace zlayer::oci {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

int64_t UnixNanos(std::string_view text) {
  auto parsed = ParseTimestamp(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? parsed->time_since_epoch().count() : -1;
}

TEST(TimestampTest, ParsesGoRfc3339Nano) {
  EXPECT_EQ(UnixNanos("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(UnixNanos("2024-02-29T12:34:56Z"), 1709210096'000000000);
  EXPECT_EQ(UnixNanos("2024-02-29T12:34:56.5Z"), 1709210096'500000000);
  EXPECT_EQ(UnixNanos("2024-02-29T12:34:56.000000001Z"), 1709210096'000000001);
  EXPECT_EQ(UnixNanos("2024-02-29T14:34:56+02:00"), 1709210096'000000000);
  EXPECT_EQ(UnixNanos("2024-02-29T07:04:56-05:30"), 1709210096'000000000);
  // Go's zero time, which some image builders write.
  EXPECT_TRUE(ParseTimestamp("0001-01-01T00:00:00Z"));
}

TEST(TimestampTest, RejectsMalformed) {
  for (std::string_view bad :
       {"", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:60Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
        "2024-01-01T00:00:00z", "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00+0100",
        "2024-01-01T00:00:00Z ", "24-01-01T00:00:00Z", "2024-1-01T00:00:00Z"}) {
    auto parsed = ParseTimestamp(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_EQ(parsed.error().kind(), ErrorKind::kInvalid);
    }
  }
  EXPECT_EQ(ParseTimestamp("yesterday").error().message(),
            "invalid timestamp \"yesterday\": want RFC 3339, e.g. "
            "\"2024-01-02T03:04:05Z\"");
}

TEST(TimestampTest, FormatsLikeGo) {
  EXPECT_EQ(FormatTimestamp(Timestamp(nanoseconds(0))), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(Timestamp(seconds(1709210096))),
            "2024-02-29T12:34:56Z");
  EXPECT_EQ(FormatTimestamp(Timestamp(nanoseconds(1709210096'500000000))),
            "2024-02-29T12:34:56.5Z");
  EXPECT_EQ(FormatTimestamp(Timestamp(nanoseconds(1709210096'000000120))),
            "2024-02-29T12:34:56.00000012Z");
  EXPECT_EQ(FormatTimestamp(Timestamp(seconds(-1))), "1969-12-31T23:59:59Z");
}

TEST(TimestampTest, FormatParsesBack) {
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{999999999},
                     int64_t{4102444800'123456789}, int64_t{-86400}}) {
    Timestamp t{nanoseconds(ns)};
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(t)).value(), t) << ns;
  }
}

}  // namespace
}  // namespace zlayer::oci
