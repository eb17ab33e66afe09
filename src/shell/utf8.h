// UTF-8 helpers for the shell-word expander. BuildKit's lexer works on Go
// runes, so splitting words, `?` in patterns and escapes must all step over
// whole code points rather than bytes to give the same results.
#ifndef ZLAYER_SHELL_UTF8_H_
#define ZLAYER_SHELL_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace zlayer::shell {

// The code point at the start of some text and how many bytes it takes. A
// malformed sequence decodes as U+FFFD taking one byte, as in Go, so every
// byte of any input belongs to exactly one rune.
struct Rune {
  char32_t value;
  std::size_t length;

  bool malformed() const { return value == 0xFFFD && length == 1; }
};

// Decodes the rune starting at text[pos]; pos must be < text.size().
Rune DecodeRune(std::string_view text, std::size_t pos);

// Go's unicode.IsSpace: the blanks that separate words in ProcessWords.
bool IsSpaceRune(char32_t rune);

// `text` as a double-quoted, single-line string for error messages: quotes,
// backslashes and control characters are escaped, malformed bytes become
// \xNN.
std::string QuoteForMessage(std::string_view text);

// `text` with only control characters and malformed bytes escaped, for
// pieces of input (a ${VAR?message}, a pattern) inside an error message.
std::string OneLineForMessage(std::string_view text);

}  // namespace zlayer::shell

#endif  // ZLAYER_SHELL_UTF8_H_
