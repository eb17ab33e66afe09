// One compiled .dockerignore glob, matched against a whole slash-separated
// path.
//
// Syntax is Go's filepath.Match plus "**", as in Docker's patternmatcher:
//   *        any run of characters except "/"
//   ?        one character except "/"
//   [a-z]    one character in the class; [^a-z] one not in it (a class
//            may match "/"); "\" escapes "]", "-" or "\" inside it
//   \c       the character c itself
//   **       any number of whole directories, including none: "**/a" and
//            "a/**/b" cross directory levels; a trailing "**" matches
//            anything that follows, "/" included
//
// Docker sorts patterns into plain literals, "literal**" prefixes and
// "**literal" suffixes before falling back to a regular expression, and the
// suffix form matches any path ending in the literal ("**.txt" matches
// "a/b.txt" and "a/xb.txt"); that is kept so the same files are excluded.
//
// Where Docker's regular expression translation gives a pattern a meaning
// filepath.Match does not (a "\" before a letter, "*" or "?" inside
// brackets, "^" outside brackets), the filepath.Match meaning is used. A
// reversed range such as "[z-a]" is rejected here; Docker rejects it only
// when the first path is matched.
#ifndef ZLAYER_DOCKERIGNORE_GLOB_H_
#define ZLAYER_DOCKERIGNORE_GLOB_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::dockerignore {

class Glob {
 public:
  // Compiles a cleaned pattern (no leading "!"). Fails with kInvalid and a
  // short reason such as `unterminated character class` when the pattern
  // is not valid filepath.Match syntax.
  static Result<Glob> Compile(std::string_view pattern);

  // True when the whole of `path` matches. No cleaning is done, so
  // "a/" and "a" are different paths here.
  bool Matches(std::string_view path) const;

  const std::string& pattern() const { return pattern_; }

 private:
  class Builder;

  enum class Kind : std::uint8_t { kExact, kPrefix, kSuffix, kProgram };
  enum class Op : std::uint8_t {
    kLiteral,  // one character, compared byte for byte
    kAnyChar,  // "?"
    kClass,    // "[...]"
    kStar,     // "*": zero or more characters other than "/"
    kAnyDirs,  // inner "**": zero or more characters ending in "/"
    kAnyTail,  // final "**": zero or more characters
  };
  struct Token {
    Op op = Op::kLiteral;
    bool negated = false;
    std::string literal;
    std::vector<std::pair<char32_t, char32_t>> ranges;

    bool ClassContains(char32_t c) const;
  };

  bool RunProgram(std::string_view path) const;

  std::string pattern_;
  Kind kind_ = Kind::kExact;
  // The literal that kExact, kPrefix and kSuffix compare against.
  std::string literal_;
  std::vector<Token> program_;
};

}  // namespace zlayer::dockerignore

#endif  // ZLAYER_DOCKERIGNORE_GLOB_H_
