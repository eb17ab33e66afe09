#include "shell/utf8.h"

namespace zlayer::shell {
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
