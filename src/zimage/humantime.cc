#include "zimage/humantime.h"

#include <cstdint>
#include <limits>
#include <string>

namespace zlayer::zimage {
namespace {

// Nanoseconds per unit; 0 when the unit is unknown.
int64_t UnitNanos(std::string_view u) {
  constexpr int64_t kSec = 1'000'000'000;
  if (u == "nanos" || u == "nsec" || u == "ns") return 1;
  if (u == "usec" || u == "us" || u == "\xC2\xB5s") return 1'000;
  if (u == "millis" || u == "msec" || u == "ms") return 1'000'000;
  if (u == "seconds" || u == "second" || u == "secs" || u == "sec" ||
      u == "s") {
    return kSec;
  }
  if (u == "minutes" || u == "minute" || u == "mins" || u == "min" ||
      u == "m") {
    return 60 * kSec;
  }
  if (u == "hours" || u == "hour" || u == "hrs" || u == "hr" || u == "h") {
    return 3600 * kSec;
  }
  if (u == "days" || u == "day" || u == "d") return 86400 * kSec;
  if (u == "weeks" || u == "week" || u == "w") return 7 * 86400 * kSec;
  if (u == "months" || u == "month" || u == "M") return 2'630'016 * kSec;
  if (u == "years" || u == "year" || u == "y") return 31'557'600 * kSec;
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }
// Units are letters; the bytes of `µ` count too ("µs").
bool IsUnitChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

Result<std::chrono::nanoseconds> ParseHumantime(std::string_view text) {
  auto fail = [](std::string reason) {
    return Fail(std::move(reason), ErrorKind::kInvalid);
  };
  if (text.find_first_not_of(" \t") == std::string_view::npos) {
    return fail("value was empty");
  }
  int64_t total = 0;
  size_t i = 0;
  while (true) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size()) break;
    if (!IsDigit(text[i]))
      return fail("expected number at " + std::to_string(i));
    const size_t number_start = i;
    int64_t number = 0;
    while (i < text.size() && IsDigit(text[i])) {
      if (number > (std::numeric_limits<int64_t>::max() - 9) / 10) {
        return fail("number is too large");
      }
      number = number * 10 + (text[i] - '0');
      ++i;
    }
    const std::string digits(text.substr(number_start, i - number_start));
    // As in the crate, blanks may separate a number from its unit.
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t unit_start = i;
    while (i < text.size() && IsUnitChar(text[i])) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      if (i < text.size())
        return fail("invalid character at " + std::to_string(i));
      return fail("time unit needed, for example " + digits + "sec or " +
                  digits + "ms");
    }
    if (i < text.size() && !IsSpace(text[i]) && !IsDigit(text[i])) {
      return fail("invalid character at " + std::to_string(i));
    }
    const int64_t per = UnitNanos(unit);
    if (per == 0) {
      return fail("unknown time unit \"" + std::string(unit) +
                  "\", supported units: ns, us, ms, sec, min, hours, days, "
                  "weeks, months, years (and few variations)");
    }
    if (number > (std::numeric_limits<int64_t>::max() - total) / per) {
      return fail("number is too large");
    }
    total += number * per;
  }
  return std::chrono::nanoseconds(total);
}

}  // namespace zlayer::zimage
