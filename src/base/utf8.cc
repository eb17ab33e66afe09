#include "base/utf8.h"

namespace zlayer::base {
namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

Rune DecodeRune(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1};

  // The lead byte gives the sequence length, its payload bits and the
  // smallest code point that needs that many bytes.
  std::size_t length = 4;
  char32_t value = lead & 0x07;
  char32_t minimum = 0x10000;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
    minimum = 0x800;
  } else if ((lead & 0xF8) != 0xF0) {
    return {kReplacementRune, 1};
  }
  if (text.size() - pos < length) return {kReplacementRune, 1};
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if (!IsContinuation(byte)) return {kReplacementRune, 1};
    value = (value << 6) | (byte & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are malformed too.
  if (value < minimum || value > 0x10FFFF ||
      (value >= 0xD800 && value <= 0xDFFF)) {
    return {kReplacementRune, 1};
  }
  return {value, length};
}

void AppendRune(std::string& out, char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kReplacementRune;
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

bool IsSpaceRune(char32_t rune) {
  switch (rune) {
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
      return rune >= 0x2000 && rune <= 0x200A;
  }
}

std::string_view TrimLeftSpace(std::string_view text) {
  while (!text.empty()) {
    const Rune r = DecodeRune(text);
    if (!IsSpaceRune(r.value)) break;
    text.remove_prefix(r.length);
  }
  return text;
}

std::string_view TrimRightSpace(std::string_view text) {
  while (!text.empty()) {
    // Find where the last rune starts; anything that does not decode to
    // exactly the remaining bytes is not white space.
    std::size_t start = text.size() - 1;
    while (start > 0 && text.size() - start < 4 &&
           IsContinuation(static_cast<unsigned char>(text[start]))) {
      --start;
    }
    const Rune r = DecodeRune(text, start);
    if (start + r.length != text.size() || !IsSpaceRune(r.value)) break;
    text.remove_suffix(r.length);
  }
  return text;
}

std::string_view TrimSpace(std::string_view text) {
  return TrimRightSpace(TrimLeftSpace(text));
}

}  // namespace zlayer::base
