#include "plan/go_format.h"

#include <cstdint>

#include "dockerfile/text.h"

namespace zlayer::plan {
namespace {

// Go's fmtFrac: the fraction of v / 10**prec without trailing zeros (and
// without the point when it is zero), written before `tail`.
std::string FormatFraction(uint64_t& v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    char digit = static_cast<char>('0' + v % 10);
    print = print || digit != '0';
    if (print) digits.insert(digits.begin(), digit);
    v /= 10;
  }
  return print ? "." + digits : "";
}

}  // namespace

std::string GoListV(const std::vector<std::string>& words) {
  std::string out = "[";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += ' ';
    out += words[i];
  }
  return out + "]";
}

std::string GoListQ(const std::vector<std::string>& words) {
  std::string out = "[";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += ' ';
    out += dockerfile::text::GoQuote(words[i]);
  }
  return out + "]";
}

std::string GoDuration(std::chrono::nanoseconds d) {
  int64_t count = d.count();
  bool negative = count < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(count)
                        : static_cast<uint64_t>(count);
  std::string out;
  if (u < 1'000'000'000ULL) {
    if (u == 0) return "0s";
    int prec = 0;
    std::string unit;
    if (u < 1'000ULL) {
      unit = "ns";
    } else if (u < 1'000'000ULL) {
      prec = 3;
      unit = "\xC2\xB5s";  // U+00B5, as Go writes it
    } else {
      prec = 6;
      unit = "ms";
    }
    std::string fraction = FormatFraction(u, prec);
    out = std::to_string(u) + fraction + unit;
  } else {
    std::string fraction = FormatFraction(u, 9);
    out = std::to_string(u % 60) + fraction + "s";
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace zlayer::plan
