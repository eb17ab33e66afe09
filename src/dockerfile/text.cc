#include "dockerfile/text.h"

#include <cstdint>

#include "base/utf8.h"

namespace zlayer::dockerfile::text {
namespace {

// Go's strconv.IsPrint for runes outside ASCII, without the full Unicode
// tables: everything is printable except the classes that Go escapes in
// practice (C1 controls, spaces other than U+0020, format characters,
// surrogates, private use and non-characters).
bool IsPrintNonAscii(char32_t r) {
  if (r < 0xA0) return false;  // C1 controls
  if (r == 0xA0 || r == 0xAD) return false;
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F)) return false;
  if (r >= 0x2028 && r <= 0x202F) return false;
  if (r >= 0x205F && r <= 0x206F) return false;
  if (r == 0x3000 || r == 0xFEFF) return false;
  if (r >= 0xD800 && r <= 0xDFFF) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;
  if (r >= 0xFFF0 && r <= 0xFFFB) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;
  if (r >= 0xF0000) return false;  // supplementary private use planes
  return r <= 0x10FFFF;
}

void AppendHex(std::string& out, uint32_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kHex[(value >> shift) & 0xF]);
  }
}

}  // namespace

bool IsAsciiBlank(char c) {
  return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}

std::vector<std::string_view> SplitBlank(std::string_view s, int limit) {
  std::vector<std::string_view> parts;
  if (limit == 0) return parts;
  size_t start = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (limit > 0 && static_cast<int>(parts.size()) == limit - 1) break;
    if (!IsAsciiBlank(s[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (i < s.size() && IsAsciiBlank(s[i])) ++i;
    parts.push_back(s.substr(start, end - start));
    start = i;
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  while (!s.empty()) {
    base::Rune d = base::DecodeRune(s);
    if (d.malformed()) {
      out += "\\x";
      AppendHex(out, static_cast<unsigned char>(s[0]), 2);
      s.remove_prefix(1);
      continue;
    }
    s.remove_prefix(d.length);
    const char32_t r = d.value;
    if (r == '"' || r == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(r));
    } else if (r >= 0x20 && r < 0x7F) {
      out.push_back(static_cast<char>(r));
    } else if (r >= 0x80 && IsPrintNonAscii(r)) {
      base::AppendRune(out, r);
    } else {
      switch (r) {
        case '\a':
          out += "\\a";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\v':
          out += "\\v";
          break;
        default:
          if (r < 0x20 || r == 0x7F) {
            out += "\\x", AppendHex(out, r, 2);
          } else if (r < 0x10000) {
            out += "\\u", AppendHex(out, r, 4);
          } else {
            out += "\\U", AppendHex(out, r, 8);
          }
      }
    }
  }
  out.push_back('"');
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace zlayer::dockerfile::text
