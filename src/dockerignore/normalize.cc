#include "dockerignore/normalize.h"

#include <cstdint>

namespace zlayer::dockerignore {
namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

constexpr Rune kInvalid{kReplacementChar, 1};

// The set Go's unicode.IsSpace reports, which strings.TrimSpace trims.
bool IsGoSpace(char32_t c) {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

}  // namespace

Rune DecodeRune(std::string_view text) {
  const auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  std::size_t size = 0;
  char32_t value = 0;
  // The second byte's range excludes overlong forms, surrogates and values
  // past U+10FFFF, exactly as Go's utf8.DecodeRune does.
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3;
    value = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4;
    value = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return kInvalid;
  }
  if (text.size() < size) return kInvalid;
  if (byte(1) < low || byte(1) > high) return kInvalid;
  for (std::size_t i = 1; i < size; ++i) {
    if (!IsContinuation(byte(i))) return kInvalid;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  return {value, size};
}

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty()) {
    const Rune r = DecodeRune(text);
    if (!IsGoSpace(r.value)) break;
    text.remove_prefix(r.size);
  }
  while (!text.empty()) {
    // Find where the last character starts; anything that does not decode
    // to exactly the remaining bytes is not white space.
    std::size_t start = text.size() - 1;
    while (start > 0 && text.size() - start < 4 &&
           IsContinuation(static_cast<unsigned char>(text[start]))) {
      --start;
    }
    const Rune r = DecodeRune(text.substr(start));
    if (start + r.size != text.size() || !IsGoSpace(r.value)) break;
    text.remove_suffix(r.size);
  }
  return text;
}

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path.front() == '/';
  std::string out = rooted ? "/" : "";
  // Output before this index is never removed by "..": the root slash or
  // leading ".." elements of a relative path.
  std::size_t floor = out.size();
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view element = path.substr(i, end - i);
    i = end + 1;
    if (element.empty() || element == ".") continue;
    if (element == "..") {
      if (out.size() > floor) {
        const std::size_t slash = out.rfind('/');
        out.resize(slash == std::string::npos || slash < floor ? floor : slash);
      } else if (!rooted) {
        if (!out.empty()) out += '/';
        out += "..";
        floor = out.size();
      }
      continue;
    }
    if (out.size() > (rooted ? 1u : 0u)) out += '/';
    out += element;
  }
  return out.empty() ? "." : out;
}

std::string NormalizePatternLine(std::string_view line) {
  const bool exception = !line.empty() && line.front() == '!';
  if (exception) line = TrimSpace(line.substr(1));
  std::string body;
  if (!line.empty()) {
    body = CleanPath(line);
    if (body.size() > 1 && body.front() == '/') body.erase(0, 1);
  }
  return exception ? "!" + body : body;
}

}  // namespace zlayer::dockerignore
