#include "dockerignore/glob.h"

#include <algorithm>
#include <utility>

#include "dockerignore/normalize.h"

namespace zlayer::dockerignore {

// Turns pattern text into tokens in one pass, deciding on the way which of
// Docker's four match kinds the pattern falls into.
class Glob::Builder {
 public:
  explicit Builder(std::string_view pattern) : rest_(pattern) {
    glob_.pattern_ = std::string(pattern);
  }

  Result<Glob> Build() && {
    bool first = true;
    while (!rest_.empty()) {
      switch (rest_.front()) {
        case '*':
          ParseStars(first);
          break;
        case '?':
          rest_.remove_prefix(1);
          Add(Token{.op = Op::kAnyChar});
          break;
        case '\\':
          ZL_RETURN_IF_ERROR(ParseEscape());
          break;
        case '[':
          ZL_RETURN_IF_ERROR(ParseClass());
          break;
        default:
          ParseLiteral();
          break;
      }
      first = false;
    }
    const std::string& text = glob_.pattern_;
    switch (glob_.kind_) {
      case Kind::kExact:
        glob_.literal_ = text;
        break;
      case Kind::kPrefix:
        glob_.literal_ = text.substr(0, text.size() - 2);
        break;
      case Kind::kSuffix:
        glob_.literal_ = text.substr(2);
        break;
      case Kind::kProgram:
        break;
    }
    return std::move(glob_);
  }

 private:
  // Every token except a plain literal forces the general matcher, which
  // is how Docker decides; the suffix and prefix shortcuts depend on it.
  void Add(Token token) {
    glob_.program_.push_back(std::move(token));
    glob_.kind_ = Kind::kProgram;
  }

  void ParseLiteral() {
    const base::Rune r = base::DecodeRune(rest_);
    // Docker hands a stray "]" to its regular expression, so it stops the
    // pattern from being a plain literal even though it matches itself.
    const bool plain = rest_.front() != ']';
    glob_.program_.push_back(
        Token{.literal = std::string(rest_.substr(0, r.length))});
    if (!plain) glob_.kind_ = Kind::kProgram;
    rest_.remove_prefix(r.length);
  }

  void ParseStars(bool first) {
    rest_.remove_prefix(1);
    if (rest_.empty() || rest_.front() != '*') {
      Add(Token{.op = Op::kStar});
      return;
    }
    rest_.remove_prefix(1);
    if (!rest_.empty() && rest_.front() == '/') rest_.remove_prefix(1);
    if (!rest_.empty()) {
      Add(Token{.op = Op::kAnyDirs});
    } else if (glob_.kind_ == Kind::kExact) {
      glob_.kind_ = Kind::kPrefix;
    } else {
      Add(Token{.op = Op::kAnyTail});
    }
    if (first) glob_.kind_ = Kind::kSuffix;
  }

  Status ParseEscape() {
    rest_.remove_prefix(1);
    if (rest_.empty()) {
      return Fail("trailing \"\\\" escapes nothing", ErrorKind::kInvalid);
    }
    const base::Rune r = base::DecodeRune(rest_);
    Add(Token{.literal = std::string(rest_.substr(0, r.length))});
    rest_.remove_prefix(r.length);
    return Ok();
  }

  Status ParseClass() {
    rest_.remove_prefix(1);
    Token token{.op = Op::kClass};
    if (!rest_.empty() && rest_.front() == '^') {
      token.negated = true;
      rest_.remove_prefix(1);
    }
    while (rest_.empty() || rest_.front() != ']' || token.ranges.empty()) {
      const char* start = rest_.data();
      ZL_ASSIGN_OR_RETURN(char32_t low, ParseClassChar(/*range_end=*/false));
      char32_t high = low;
      // ParseClassChar leaves at least one byte, the class being unclosed
      // otherwise.
      if (rest_.front() == '-') {
        rest_.remove_prefix(1);
        ZL_ASSIGN_OR_RETURN(high, ParseClassChar(/*range_end=*/true));
      }
      if (low > high) {
        const std::string_view range(start, rest_.data() - start);
        return Fail(
            "reversed range \"" + std::string(range) + "\" in character class",
            ErrorKind::kInvalid);
      }
      token.ranges.emplace_back(low, high);
    }
    rest_.remove_prefix(1);
    Add(std::move(token));
    return Ok();
  }

  // One member of a class, following the rules of Go's filepath.Match.
  Result<char32_t> ParseClassChar(bool range_end) {
    if (rest_.empty()) {
      return Fail("unterminated character class", ErrorKind::kInvalid);
    }
    if (rest_.front() == '-') {
      return Fail("unescaped \"-\" in character class", ErrorKind::kInvalid);
    }
    if (rest_.front() == ']') {
      return Fail(range_end ? "incomplete range in character class"
                            : "character class is empty or starts with an "
                              "unescaped \"]\"",
                  ErrorKind::kInvalid);
    }
    if (rest_.front() == '\\') {
      rest_.remove_prefix(1);
      if (rest_.empty()) {
        return Fail("unterminated character class", ErrorKind::kInvalid);
      }
    }
    const base::Rune r = base::DecodeRune(rest_);
    if (r.malformed()) {
      return Fail("invalid UTF-8 in character class", ErrorKind::kInvalid);
    }
    rest_.remove_prefix(r.length);
    if (rest_.empty()) {
      return Fail("unterminated character class", ErrorKind::kInvalid);
    }
    return r.value;
  }

  std::string_view rest_;
  Glob glob_;
};

Result<Glob> Glob::Compile(std::string_view pattern) {
  return Builder(pattern).Build();
}

bool Glob::Token::ClassContains(char32_t c) const {
  const bool in = std::any_of(ranges.begin(), ranges.end(), [c](auto range) {
    return range.first <= c && c <= range.second;
  });
  return in != negated;
}

bool Glob::Matches(std::string_view path) const {
  switch (kind_) {
    case Kind::kExact:
      return path == literal_;
    case Kind::kPrefix:
      return path.starts_with(literal_);
    case Kind::kSuffix:
      // "**/a" also matches "a" itself: there may be no directory at all.
      return path.ends_with(literal_) ||
             (literal_.starts_with('/') &&
              path == std::string_view(literal_).substr(1));
    case Kind::kProgram:
      return RunProgram(path);
  }
  return false;
}

// Runs the tokens as a non-deterministic automaton, one character of the
// path at a time. Tracking every live state at once keeps matching linear
// in the path length for any pattern, so "*a*a*a*b" cannot blow up the way
// a backtracking matcher would.
bool Glob::RunProgram(std::string_view path) const {
  const std::size_t n = program_.size();
  // at[i]: about to match token i (i == n means the whole pattern matched).
  // in_dirs[i]: inside the directory loop of the kAnyDirs token i, where
  // only a "/" may leave it.
  std::vector<std::uint8_t> at(n + 1), in_dirs(n), next_at(n + 1),
      next_in_dirs(n);
  const auto follow_empty = [&](std::vector<std::uint8_t>& states) {
    for (std::size_t i = 0; i < n; ++i) {
      const Op op = program_[i].op;
      if (states[i] &&
          (op == Op::kStar || op == Op::kAnyDirs || op == Op::kAnyTail)) {
        states[i + 1] = 1;
      }
    }
  };
  at[0] = 1;
  follow_empty(at);
  while (!path.empty()) {
    const base::Rune r = base::DecodeRune(path);
    const std::string_view unit = path.substr(0, r.length);
    path.remove_prefix(r.length);
    std::fill(next_at.begin(), next_at.end(), 0);
    std::fill(next_in_dirs.begin(), next_in_dirs.end(), 0);
    bool alive = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!at[i] && !in_dirs[i]) continue;
      const Token& token = program_[i];
      bool advance = false;
      switch (token.op) {
        case Op::kLiteral:
          advance = at[i] && unit == token.literal;
          break;
        case Op::kAnyChar:
          advance = at[i] && r.value != '/';
          break;
        case Op::kClass:
          advance = at[i] && token.ClassContains(r.value);
          break;
        case Op::kStar:
          if (r.value != '/') next_at[i] = alive = 1;
          break;
        case Op::kAnyDirs:
          next_in_dirs[i] = alive = 1;
          advance = r.value == '/';
          break;
        case Op::kAnyTail:
          next_at[i] = alive = 1;
          break;
      }
      if (advance) next_at[i + 1] = alive = 1;
    }
    if (!alive) return false;
    follow_empty(next_at);
    at.swap(next_at);
    in_dirs.swap(next_in_dirs);
  }
  return at[n] != 0;
}

}  // namespace zlayer::dockerignore
