#include "base/units.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>

namespace zlayer::base {
namespace {

constexpr uint64_t kInt64Bound = uint64_t{1} << 63;  // |INT64_MIN|
constexpr uint64_t kMaxSize = kInt64Bound - 1;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Quotes text for an error message, escaping bytes that would garble it.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::unexpected<Error> BadDuration(std::string_view text,
                                   std::string_view why) {
  return Fail("invalid duration " + Quote(text) + ": " + std::string(why),
              ErrorKind::kInvalid);
}

std::optional<int64_t> CliUnit(std::string_view unit) {
  if (unit == "s") return 1;
  if (unit == "m") return 60;
  if (unit == "h") return 3600;
  if (unit == "d") return 86400;
  if (unit == "w") return 7 * 86400;
  return std::nullopt;
}

std::optional<uint64_t> GoUnit(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return 1000;
  if (unit == "ms") return 1000000;
  if (unit == "s") return 1000000000;
  if (unit == "m") return 60000000000;
  if (unit == "h") return 3600000000000;
  return std::nullopt;
}

// Go's leadingInt: digits into a value no larger than 1<<63.
std::optional<uint64_t> LeadingInt(std::string_view& s) {
  uint64_t x = 0;
  size_t i = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    if (x > kInt64Bound / 10) return std::nullopt;
    x = x * 10 + static_cast<uint64_t>(s[i] - '0');
    if (x > kInt64Bound) return std::nullopt;
  }
  s.remove_prefix(i);
  return x;
}

// Go's leadingFraction: the digits after '.', as a value and the power of
// ten that scales it; digits beyond int64 precision are dropped.
void LeadingFraction(std::string_view& s, uint64_t& x, double& scale) {
  bool overflow = false;
  size_t i = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    if (overflow) continue;
    if (x > (kInt64Bound - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t y = x * 10 + static_cast<uint64_t>(s[i] - '0');
    if (y > kInt64Bound) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
}

// One "<number><unit>" term of a Go duration, in nanoseconds.
Result<uint64_t> GoTerm(std::string_view& s, std::string_view orig) {
  if (!(s[0] == '.' || IsDigit(s[0]))) return BadDuration(orig, "bad number");
  size_t before = s.size();
  std::optional<uint64_t> whole = LeadingInt(s);
  if (!whole) return BadDuration(orig, "out of range");
  bool pre = before != s.size();
  uint64_t fraction = 0;
  double scale = 1;
  bool post = false;
  if (!s.empty() && s[0] == '.') {
    s.remove_prefix(1);
    size_t after_dot = s.size();
    LeadingFraction(s, fraction, scale);
    post = after_dot != s.size();
  }
  if (!pre && !post) return BadDuration(orig, "bad number");
  size_t i = 0;
  while (i < s.size() && s[i] != '.' && !IsDigit(s[i])) ++i;
  if (i == 0) return BadDuration(orig, "missing unit");
  std::string_view unit_name = s.substr(0, i);
  s.remove_prefix(i);
  std::optional<uint64_t> unit = GoUnit(unit_name);
  if (!unit) {
    return BadDuration(orig, "unknown unit " + Quote(unit_name) +
                                 " (want ns, us, ms, s, m or h)");
  }
  uint64_t v = *whole;
  if (v > kInt64Bound / *unit) return BadDuration(orig, "out of range");
  v *= *unit;
  if (fraction > 0) {
    // As Go does: float64 keeps fractions of an hour nanosecond-exact.
    v += static_cast<uint64_t>(static_cast<double>(fraction) *
                               (static_cast<double>(*unit) / scale));
    if (v > kInt64Bound) return BadDuration(orig, "out of range");
  }
  return v;
}

// Go formats a duration right to left into a fixed buffer; so does this.
class ReverseWriter {
 public:
  void Put(std::string_view text) {
    pos_ -= text.size();
    text.copy(buffer_.data() + pos_, text.size());
  }
  void PutChar(char c) { buffer_[--pos_] = c; }
  void PutInt(uint64_t v) {
    do {
      PutChar(static_cast<char>('0' + v % 10));
      v /= 10;
    } while (v > 0);
  }
  // Go's fmtFrac: the fraction of v / 10^prec without trailing zeros (and
  // without the '.' when it is zero); returns the integer part.
  uint64_t PutFraction(uint64_t v, int prec) {
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      uint64_t digit = v % 10;
      print = print || digit != 0;
      if (print) PutChar(static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) PutChar('.');
    return v;
  }
  std::string str() const {
    return std::string(buffer_.data() + pos_, buffer_.size() - pos_);
  }

 private:
  std::array<char, 32> buffer_;  // "-2562047h47m16.854775808s" fits
  size_t pos_ = buffer_.size();
};

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), IsDigit);
}

// Docker's binary suffixes: "", b, then k/m/g/t/p optionally followed by b
// or ib. `suffix` is lowercase.
std::optional<uint64_t> SizeMultiplier(std::string_view suffix) {
  if (suffix.empty() || suffix == "b") return 1;
  static constexpr std::string_view kPrefixes = "kmgtp";
  size_t power = kPrefixes.find(suffix[0]);
  std::string_view tail = suffix.substr(1);
  if (power == std::string_view::npos ||
      !(tail.empty() || tail == "b" || tail == "ib")) {
    return std::nullopt;
  }
  return uint64_t{1} << (10 * (power + 1));
}

// <whole>.<fraction> times `multiplier`, rounded down, or nothing above
// INT64_MAX. Integer arithmetic throughout: a double (as Docker uses) would
// round sizes above 2^53.
std::optional<uint64_t> ScaleDecimal(std::string_view whole,
                                     std::string_view fraction,
                                     uint64_t multiplier) {
  unsigned __int128 value = 0;
  for (char c : whole) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > kMaxSize) return std::nullopt;
  }
  value *= multiplier;
  // floor(0.<fraction> * multiplier) by long multiplication from the last
  // digit: the final carry is exactly the integer part.
  uint64_t carry = 0;
  for (auto it = fraction.rbegin(); it != fraction.rend(); ++it) {
    carry = (static_cast<uint64_t>(*it - '0') * multiplier + carry) / 10;
  }
  value += carry;
  if (value > kMaxSize) return std::nullopt;
  return static_cast<uint64_t>(value);
}

}  // namespace

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  constexpr std::string_view kWant =
      " (want a whole number and a unit s, m, h, d or w, e.g. 90m or 1h30m)";
  if (text.empty()) return BadDuration(text, "empty");
  if (text == "0") return std::chrono::seconds(0);
  if (text[0] == '-') return BadDuration(text, "must not be negative");
  int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t digits = 0;
    int64_t value = 0;
    for (; digits < rest.size() && IsDigit(rest[digits]); ++digits) {
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, rest[digits] - '0', &value)) {
        return BadDuration(text, "out of range");
      }
    }
    if (digits == 0) {
      return BadDuration(
          text, "unexpected " + Quote(rest.substr(0, 1)) + std::string(kWant));
    }
    size_t letters = digits;
    while (letters < rest.size() &&
           std::isalpha(static_cast<unsigned char>(rest[letters]))) {
      ++letters;
    }
    if (digits < rest.size() && rest[digits] == '.') {
      return BadDuration(text,
                         "fractions are not supported" + std::string(kWant));
    }
    std::string_view unit_name = rest.substr(digits, letters - digits);
    if (unit_name.empty()) {
      return BadDuration(text, "missing unit" + std::string(kWant));
    }
    std::optional<int64_t> unit = CliUnit(unit_name);
    if (!unit) {
      return BadDuration(
          text, "unknown unit " + Quote(unit_name) + std::string(kWant));
    }
    if (__builtin_mul_overflow(value, *unit, &value) ||
        __builtin_add_overflow(total, value, &total)) {
      return BadDuration(text, "out of range");
    }
    rest.remove_prefix(letters);
  }
  return std::chrono::seconds(total);
}

Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return BadDuration(text, "empty");
  uint64_t total = 0;
  while (!s.empty()) {
    ZL_ASSIGN_OR_RETURN(uint64_t term, GoTerm(s, text));
    total += term;  // both at most 1<<63, so this cannot wrap
    if (total > kInt64Bound) return BadDuration(text, "out of range");
  }
  if (negative) {
    // Unsigned negation then conversion is modular, so 1<<63 yields INT64_MIN.
    return std::chrono::nanoseconds(static_cast<int64_t>(0 - total));
  }
  if (total > kInt64Bound - 1) return BadDuration(text, "out of range");
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string FormatDuration(std::chrono::nanoseconds duration) {
  int64_t d = duration.count();
  bool negative = d < 0;
  uint64_t u = static_cast<uint64_t>(d);
  if (negative) u = 0 - u;
  if (u == 0) return "0s";
  ReverseWriter out;
  if (u < 1000000000) {
    // Below a second Go switches to smaller units, e.g. "1.2ms".
    int prec = 0;
    if (u < 1000) {
      out.Put("ns");
    } else if (u < 1000000) {
      prec = 3;
      out.Put("\u00b5s");
    } else {
      prec = 6;
      out.Put("ms");
    }
    out.PutInt(out.PutFraction(u, prec));
  } else {
    out.PutChar('s');
    u = out.PutFraction(u, 9);
    out.PutInt(u % 60);
    u /= 60;
    if (u > 0) {
      out.PutChar('m');
      out.PutInt(u % 60);
      u /= 60;
      if (u > 0) {
        out.PutChar('h');
        out.PutInt(u);
      }
    }
  }
  if (negative) out.PutChar('-');
  return out.str();
}

Result<uint64_t> ParseSize(std::string_view text) {
  // Docker splits after the last digit, '.' or space.
  size_t sep = text.find_last_of("0123456789. ");
  if (sep == std::string_view::npos) {
    return Fail("invalid size " + Quote(text), ErrorKind::kInvalid);
  }
  std::string_view number = text.substr(0, text[sep] == ' ' ? sep : sep + 1);
  std::string suffix(text.substr(sep + 1));
  for (char& c : suffix) c = static_cast<char>(std::tolower(c));

  size_t dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || !AllDigits(whole) ||
      !AllDigits(fraction)) {
    return Fail("invalid size " + Quote(text), ErrorKind::kInvalid);
  }
  std::optional<uint64_t> multiplier = SizeMultiplier(suffix);
  if (!multiplier) {
    return Fail("invalid suffix " + Quote(suffix) + " in size " + Quote(text),
                ErrorKind::kInvalid);
  }
  std::optional<uint64_t> value = ScaleDecimal(whole, fraction, *multiplier);
  if (!value) {
    return Fail("size " + Quote(text) + " is too large", ErrorKind::kInvalid);
  }
  return *value;
}

std::string FormatSize(uint64_t bytes) {
  static constexpr std::array<std::string_view, 7> kUnits = {
      "B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double size = static_cast<double>(bytes);
  size_t unit = 0;
  while (size >= 1000 && unit + 1 < kUnits.size()) {
    size /= 1000;
    ++unit;
  }
  return fmt::format("{:.4g}{}", size, kUnits[unit]);
}

}  // namespace zlayer::base
