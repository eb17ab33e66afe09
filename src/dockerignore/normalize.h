// Text rules that Docker applies to .dockerignore patterns before matching.
// Docker's reader is written in Go, so "trim" and "clean" mean Go's
// strings.TrimSpace and path.Clean; reproducing them exactly keeps a pattern
// meaning the same thing under zlayer as under `docker build`.
#ifndef ZLAYER_DOCKERIGNORE_NORMALIZE_H_
#define ZLAYER_DOCKERIGNORE_NORMALIZE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace zlayer::dockerignore {

// One decoded UTF-8 character. Like Go, an invalid or truncated sequence
// decodes as U+FFFD with size 1, so every byte of any input is consumed.
struct Rune {
  char32_t value;
  std::size_t size;
};

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the character at the start of `text`, which must not be empty.
Rune DecodeRune(std::string_view text);

// Strips leading and trailing Unicode white space (Go's strings.TrimSpace:
// ASCII space, \t \n \v \f \r, U+0085, U+00A0 and the Unicode space
// separators).
std::string_view TrimSpace(std::string_view text);

// Lexically cleans a slash-separated path (Go's path.Clean): collapses
// repeated slashes, drops "." elements, resolves ".." against the element
// before it (or keeps it at the start of a relative path, or drops it at the
// root) and removes a trailing slash. An empty path cleans to ".".
std::string CleanPath(std::string_view path);

// Applies the per-line normalisation of Docker's ignore file reader to one
// trimmed, non-empty line: "!" marks an exception (white space after it is
// dropped), the path is cleaned, and one leading "/" is removed so "/a" and
// "a" mean the same. Returns e.g. "!docs/README.md" for "! /docs//README.md".
std::string NormalizePatternLine(std::string_view line);

}  // namespace zlayer::dockerignore

#endif  // ZLAYER_DOCKERIGNORE_NORMALIZE_H_
