#include "oci/timestamp.h"

#include <fmt/format.h>

#include <optional>

namespace zlayer::oci {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Reads exactly `count` decimal digits at `pos`, advancing it.
std::optional<int> ReadDigits(std::string_view text, size_t& pos,
                              size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// The fraction after '.', scaled to nanoseconds.
std::optional<nanoseconds> ReadFraction(std::string_view text, size_t& pos) {
  if (pos >= text.size() || text[pos] != '.') return nanoseconds(0);
  ++pos;
  int64_t value = 0;
  size_t digits = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (++digits > 9) return std::nullopt;
    value = value * 10 + (text[pos++] - '0');
  }
  if (digits == 0) return std::nullopt;
  for (size_t i = digits; i < 9; ++i) value *= 10;
  return nanoseconds(value);
}

// "Z" or "+HH:MM" / "-HH:MM" as the offset to subtract to reach UTC.
std::optional<minutes> ReadZone(std::string_view text, size_t& pos) {
  if (Expect(text, pos, 'Z')) return minutes(0);
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
    return std::nullopt;
  }
  int sign = text[pos++] == '-' ? -1 : 1;
  auto hh = ReadDigits(text, pos, 2);
  if (!hh || *hh > 23 || !Expect(text, pos, ':')) return std::nullopt;
  auto mm = ReadDigits(text, pos, 2);
  if (!mm || *mm > 59) return std::nullopt;
  return minutes(sign * (*hh * 60 + *mm));
}

std::optional<Timestamp> Parse(std::string_view text) {
  size_t pos = 0;
  auto year = ReadDigits(text, pos, 4);
  if (!year || !Expect(text, pos, '-')) return std::nullopt;
  auto month = ReadDigits(text, pos, 2);
  if (!month || !Expect(text, pos, '-')) return std::nullopt;
  auto day = ReadDigits(text, pos, 2);
  if (!day || !Expect(text, pos, 'T')) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*year),
                                   std::chrono::month(*month),
                                   std::chrono::day(*day)};
  if (!date.ok()) return std::nullopt;
  auto hour = ReadDigits(text, pos, 2);
  if (!hour || *hour > 23 || !Expect(text, pos, ':')) return std::nullopt;
  auto minute = ReadDigits(text, pos, 2);
  if (!minute || *minute > 59 || !Expect(text, pos, ':')) return std::nullopt;
  auto second = ReadDigits(text, pos, 2);
  if (!second || *second > 59) return std::nullopt;
  auto fraction = ReadFraction(text, pos);
  if (!fraction) return std::nullopt;
  auto zone = ReadZone(text, pos);
  if (!zone || pos != text.size()) return std::nullopt;
  return Timestamp(std::chrono::sys_days(date)) + hours(*hour) +
         minutes(*minute) + seconds(*second) + *fraction - *zone;
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  auto parsed = Parse(text);
  if (!parsed) {
    return Fail("invalid timestamp \"" + std::string(text) +
                    "\": want RFC 3339, e.g. \"2024-01-02T03:04:05Z\"",
                ErrorKind::kInvalid);
  }
  return *parsed;
}

std::string FormatTimestamp(Timestamp time) {
  auto day = std::chrono::floor<days>(time);
  std::chrono::year_month_day date(day);
  std::chrono::hh_mm_ss<nanoseconds> clock(time - day);
  std::string out = fmt::format(
      "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      clock.hours().count(), clock.minutes().count(), clock.seconds().count());
  int64_t fraction = clock.subseconds().count();
  if (fraction != 0) {
    std::string digits = fmt::format("{:09}", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    out += "." + digits;
  }
  return out + "Z";
}

}  // namespace zlayer::oci
