// Shell patterns for ${VAR#pat}, ${VAR%pat} and ${VAR/pat/repl}.
//
// The dialect is BuildKit's, so a Dockerfile expands here as it does under
// `docker build`:
//   *        any string, but not across a newline
//   ?        any one character (a code point, not a byte) but a newline
//   \* \? \\ the character itself
//   \} \/    the ${...} delimiters `}` and `/`, escaped only so the lexer
//            does not end the operand there
// Any other escape is an error. The newline rule comes from the Go regexps
// BuildKit turns patterns into (their `.` stops at a newline). Bracket
// expressions are NOT special: BuildKit matches `[` and `]` literally, and
// so does this.
#ifndef ZLAYER_SHELL_PATTERN_H_
#define ZLAYER_SHELL_PATTERN_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::shell {

class Pattern {
 public:
  // Fails on a bad escape or on text that is not valid UTF-8.
  static Result<Pattern> Compile(std::string_view text);

  // The length in bytes of the shortest (or longest) prefix of `value` that
  // the pattern matches as a whole; nullopt when none does.
  std::optional<std::size_t> MatchPrefix(std::string_view value,
                                         bool longest) const;

  // The byte offset where the shortest (or longest) matching suffix of
  // `value` starts; nullopt when no suffix matches.
  std::optional<std::size_t> MatchSuffix(std::string_view value,
                                         bool longest) const;

  // `value` with its leftmost match (the longest one starting there)
  // replaced by `replacement`, which is taken literally.
  std::string ReplaceFirst(std::string_view value,
                           std::string_view replacement) const;

  // `value` with every non-overlapping match replaced, scanning left to
  // right. An empty match right after a previous match is skipped, as Go's
  // regexp.ReplaceAllString does, so `*` replaces a whole value once.
  // nullopt when the result would be longer than `max_size` bytes: an empty
  // pattern inserts the replacement between every two characters, so
  // nested replacements grow exponentially.
  std::optional<std::string> ReplaceAll(
      std::string_view value, std::string_view replacement,
      std::size_t max_size = std::string::npos) const;

  // The compiled form: one token per pattern character, runs of `*`
  // collapsed into one.
  enum class Kind { kLiteral, kAnyRune, kAnyString };
  struct Token {
    Kind kind;
    char32_t rune;  // for kLiteral
  };

 private:
  explicit Pattern(std::vector<Token> tokens);

  std::vector<Token> tokens_;
  std::vector<Token> reversed_;  // for suffixes, matched from the end
};

}  // namespace zlayer::shell

#endif  // ZLAYER_SHELL_PATTERN_H_
