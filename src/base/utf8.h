// UTF-8 with Go's rules. Docker's parsers are written in Go and work on
// runes, so splitting words, trimming blanks and matching `?` must step over
// whole code points, and malformed bytes must decode exactly as Go decodes
// them, for a Dockerfile or .dockerignore to mean the same thing here.
#ifndef ZLAYER_BASE_UTF8_H_
#define ZLAYER_BASE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace zlayer::base {

// U+FFFD, what Go decodes each malformed byte to.
inline constexpr char32_t kReplacementRune = 0xFFFD;

// One decoded code point and how many bytes it took. A malformed or
// truncated sequence decodes as U+FFFD taking one byte, as in Go, so every
// byte of any input belongs to exactly one rune.
struct Rune {
  char32_t value;
  std::size_t length;

  bool malformed() const { return value == kReplacementRune && length == 1; }
};

// Decodes the rune starting at text[pos]; pos must be < text.size().
Rune DecodeRune(std::string_view text, std::size_t pos = 0);

// Appends the UTF-8 encoding of `rune` (U+FFFD for a surrogate or a value
// past U+10FFFF).
void AppendRune(std::string& out, char32_t rune);

// Go's unicode.IsSpace.
bool IsSpaceRune(char32_t rune);

// Go's strings.TrimLeftFunc / TrimRightFunc / TrimSpace with IsSpaceRune.
std::string_view TrimLeftSpace(std::string_view text);
std::string_view TrimRightSpace(std::string_view text);
std::string_view TrimSpace(std::string_view text);

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_UTF8_H_
