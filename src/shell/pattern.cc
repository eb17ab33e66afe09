#include "shell/pattern.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>

#include "shell/utf8.h"

namespace zlayer::shell {
namespace {

using Kind = Pattern::Kind;
using Token = Pattern::Token;

// A value split into code points, remembering where each starts so that
// matches found in code points can be cut out of the bytes.
struct DecodedText {
  std::vector<char32_t> runes;
  std::vector<std::size_t> offsets;  // runes.size() + 1 entries

  explicit DecodedText(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
      const Rune rune = DecodeRune(text, pos);
      runes.push_back(rune.value);
      offsets.push_back(pos);
      pos += rune.length;
    }
    offsets.push_back(text.size());
  }
};

// A range [begin, end) of code points (or, where said, of bytes).
struct Span {
  std::size_t begin;
  std::size_t end;
};

// Simulates the pattern as an NFA whose states are token positions. A
// thread per live state remembers the earliest start among the ways of
// reaching it: threads in one state share their future, so the earliest
// start is all that matters for the leftmost-longest match, found in one
// pass with no backtracking. Only live states are visited, so a long
// pattern costs little while most of it is out of reach.
class Matcher {
 public:
  explicit Matcher(std::span<const Token> tokens)
      : tokens_(tokens),
        slot_(tokens.size() + 1),
        generation_of_(tokens.size() + 1, 0) {}

  // Searches runes[from...]. Anchored: matches must start at `from`.
  // Longest: keep extending the best match; otherwise stop at the first.
  std::optional<Span> Search(std::span<const char32_t> runes, std::size_t from,
                             bool anchored, bool longest) {
    std::optional<Span> best;
    const std::size_t accept = tokens_.size();
    current_.clear();
    ++generation_;
    for (std::size_t i = from;; ++i) {
      if (!best && (i == from || !anchored)) Add(current_, 0, i);
      if (generation_of_[accept] == generation_) {
        const std::size_t start = current_[slot_[accept]].start;
        if (!best || start < best->begin) best = Span{start, i};
        if (start == best->begin) best->end = i;
        if (!longest) return best;
      }
      if (i == runes.size()) break;
      // Threads that started after the best match's start cannot beat it.
      Step(runes[i], best ? best->begin : runes.size());
      if (current_.empty() && (best || anchored)) break;
    }
    return best;
  }

 private:
  struct Thread {
    std::size_t state;
    std::size_t start;
  };

  // Adds a thread to the list being built for this generation. `*` may
  // match nothing, so a thread before one also stands after it (runs of
  // `*` are collapsed, so one step of this is the whole closure).
  void Add(std::vector<Thread>& threads, std::size_t state, std::size_t start) {
    if (generation_of_[state] == generation_) {
      Thread& thread = threads[slot_[state]];
      thread.start = std::min(thread.start, start);
    } else {
      generation_of_[state] = generation_;
      slot_[state] = threads.size();
      threads.push_back({state, start});
    }
    if (state < tokens_.size() && tokens_[state].kind == Kind::kAnyString) {
      Add(threads, state + 1, start);
    }
  }

  void Step(char32_t rune, std::size_t limit) {
    next_.clear();
    ++generation_;
    for (const Thread& thread : current_) {
      if (thread.state == tokens_.size() || thread.start > limit) continue;
      const Token& token = tokens_[thread.state];
      // BuildKit compiles patterns to Go regexps, whose `.` stops at a
      // newline, so `*` and `?` never match one there, and never do here.
      const bool wildcard_matches = rune != '\n';
      if (token.kind == Kind::kAnyString) {
        if (wildcard_matches) Add(next_, thread.state, thread.start);
      } else if (token.kind == Kind::kLiteral ? token.rune == rune
                                              : wildcard_matches) {
        Add(next_, thread.state + 1, thread.start);
      }
    }
    std::swap(current_, next_);
  }

  std::span<const Token> tokens_;
  std::vector<Thread> current_;
  std::vector<Thread> next_;
  // Where state k's thread sits in the list of generation_of_[k]; a state
  // whose generation is not the current one has no thread.
  std::vector<std::size_t> slot_;
  std::vector<std::uint64_t> generation_of_;
  std::uint64_t generation_ = 0;
};

Result<Pattern> InvalidEscape(std::string_view text, std::size_t pos) {
  if (pos == text.size()) return Fail("invalid escape '\\' at end of pattern");
  const std::string_view escaped =
      text.substr(pos, DecodeRune(text, pos).length);
  return Fail("invalid escape '\\" + std::string(escaped) + "'");
}

}  // namespace

Pattern::Pattern(std::vector<Token> tokens)
    : tokens_(std::move(tokens)), reversed_(tokens_.rbegin(), tokens_.rend()) {}

Result<Pattern> Pattern::Compile(std::string_view text) {
  std::vector<Token> tokens;
  for (std::size_t pos = 0; pos < text.size();) {
    const Rune rune = DecodeRune(text, pos);
    if (rune.malformed()) return Fail("pattern is not valid UTF-8");
    pos += rune.length;
    switch (rune.value) {
      case '*':
        if (tokens.empty() || tokens.back().kind != Kind::kAnyString) {
          tokens.push_back({Kind::kAnyString, 0});
        }
        break;
      case '?':
        tokens.push_back({Kind::kAnyRune, 0});
        break;
      case '\\':
        // The escape before a ${...} delimiter only kept the lexer from
        // ending the operand there; the delimiter itself is then literal.
        if (pos < text.size() && (text[pos] == '}' || text[pos] == '/')) break;
        if (pos == text.size() ||
            (text[pos] != '*' && text[pos] != '?' && text[pos] != '\\')) {
          return InvalidEscape(text, pos);
        }
        tokens.push_back({Kind::kLiteral, static_cast<char32_t>(text[pos++])});
        break;
      default:
        tokens.push_back({Kind::kLiteral, rune.value});
    }
  }
  return Pattern(std::move(tokens));
}

std::optional<std::size_t> Pattern::MatchPrefix(std::string_view value,
                                                bool longest) const {
  const DecodedText decoded(value);
  const auto match =
      Matcher(tokens_).Search(decoded.runes, 0, /*anchored=*/true, longest);
  if (!match) return std::nullopt;
  return decoded.offsets[match->end];
}

std::optional<std::size_t> Pattern::MatchSuffix(std::string_view value,
                                                bool longest) const {
  // A suffix match is a prefix match of the reversed pattern against the
  // reversed value.
  const DecodedText decoded(value);
  const std::vector<char32_t> reversed(decoded.runes.rbegin(),
                                       decoded.runes.rend());
  const auto match =
      Matcher(reversed_).Search(reversed, 0, /*anchored=*/true, longest);
  if (!match) return std::nullopt;
  return decoded.offsets[decoded.runes.size() - match->end];
}

std::string Pattern::ReplaceFirst(std::string_view value,
                                  std::string_view replacement) const {
  const DecodedText decoded(value);
  const auto match =
      Matcher(tokens_).Search(decoded.runes, 0,
                              /*anchored=*/false, /*longest=*/true);
  if (!match) return std::string(value);
  std::string out(value.substr(0, decoded.offsets[match->begin]));
  out.append(replacement);
  out.append(value.substr(decoded.offsets[match->end]));
  return out;
}

std::optional<std::string> Pattern::ReplaceAll(std::string_view value,
                                               std::string_view replacement,
                                               std::size_t max_size) const {
  const DecodedText decoded(value);
  const std::size_t size = decoded.runes.size();
  // Find every match first, so that an oversized result is refused before
  // any of it is built.
  std::vector<Span> replaced;  // in bytes
  std::size_t copied = 0;      // runes before this are accounted for
  std::size_t result_size = value.size();
  Matcher matcher(tokens_);
  for (std::size_t search = 0; search <= size;) {
    const auto match = matcher.Search(decoded.runes, search,
                                      /*anchored=*/false, /*longest=*/true);
    if (!match) break;
    if (match->end > copied || match->begin == 0) {
      const Span bytes{decoded.offsets[match->begin],
                       decoded.offsets[match->end]};
      result_size =
          result_size - (bytes.end - bytes.begin) + replacement.size();
      if (result_size > max_size) return std::nullopt;
      replaced.push_back(bytes);
    }
    copied = match->end;
    // Step past an empty match so the search always advances.
    search = std::max(match->end, search + 1);
  }
  std::string out;
  out.reserve(result_size);
  std::size_t pos = 0;
  for (const Span& span : replaced) {
    out.append(value.substr(pos, span.begin - pos));
    out.append(replacement);
    pos = span.end;
  }
  out.append(value.substr(pos));
  return out;
}

}  // namespace zlayer::shell
