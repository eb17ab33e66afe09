#include "shell/utf8.h"

namespace zlayer::shell {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

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
    return {kReplacement, 1};
  }
  if (text.size() - pos < length) return {kReplacement, 1};
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if (!IsContinuation(byte)) return {kReplacement, 1};
    value = (value << 6) | (byte & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are malformed too.
  if (value < minimum || value > 0x10FFFF ||
      (value >= 0xD800 && value <= 0xDFFF)) {
    return {kReplacement, 1};
  }
  return {value, length};
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

namespace {

void AppendHexByte(unsigned char byte, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
}

// Appends `text` with control characters and malformed bytes escaped, and,
// when `quoted`, with `"` and `\` escaped too.
void AppendEscaped(std::string_view text, bool quoted, std::string& out) {
  for (std::size_t pos = 0; pos < text.size();) {
    const Rune rune = DecodeRune(text, pos);
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (rune.malformed()) {
      AppendHexByte(byte, out);
    } else if (quoted && (byte == '"' || byte == '\\')) {
      out += '\\';
      out += static_cast<char>(byte);
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7F) {
      AppendHexByte(byte, out);
    } else {
      out.append(text.substr(pos, rune.length));
    }
    pos += rune.length;
  }
}

}  // namespace

std::string QuoteForMessage(std::string_view text) {
  std::string out = "\"";
  AppendEscaped(text, /*quoted=*/true, out);
  out += '"';
  return out;
}

std::string OneLineForMessage(std::string_view text) {
  std::string out;
  AppendEscaped(text, /*quoted=*/false, out);
  return out;
}

}  // namespace zlayer::shell
