#include "copy/match.h"

#include <vector>

#include "base/utf8.h"

namespace zlayer::copy {
namespace {

// The rest of the pattern after one chunk: a run of "*" then the literal
// part up to the next "*" outside brackets.
struct Chunk {
  bool star = false;
  std::string_view chunk;
  std::string_view rest;
};

Chunk ScanChunk(std::string_view pattern) {
  Chunk out;
  while (!pattern.empty() && pattern.front() == '*') {
    pattern.remove_prefix(1);
    out.star = true;
  }
  bool in_range = false;
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  out.chunk = pattern.substr(0, i);
  out.rest = pattern.substr(i);
  return out;
}

char32_t DecodeAt(std::string_view s, size_t* length) {
  base::Rune rune = base::DecodeRune(s, 0);
  *length = rune.length;
  return rune.value;
}

// Go's getEsc: one possibly escaped character of a class.
bool GetEsc(std::string_view& chunk, char32_t* r) {
  if (chunk.empty() || chunk.front() == '-' || chunk.front() == ']') {
    return false;
  }
  if (chunk.front() == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) return false;
  }
  size_t n = 0;
  *r = DecodeAt(chunk, &n);
  bool ok = !(*r == base::kReplacementRune && n == 1);
  chunk.remove_prefix(n);
  if (chunk.empty()) ok = false;
  return ok;
}

// Go's matchChunk. Returns false for a bad pattern; `ok` says whether the
// chunk matched a prefix of `s`, whose remainder goes to `rest`.
bool MatchChunk(std::string_view chunk, std::string_view s,
                std::string_view* rest, bool* ok) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk.front()) {
      case '[': {
        char32_t r = 0;
        if (!failed) {
          size_t n = 0;
          r = DecodeAt(s, &n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk.front() == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool match = false;
        int nrange = 0;
        for (;;) {
          if (!chunk.empty() && chunk.front() == ']' && nrange > 0) {
            chunk.remove_prefix(1);
            break;
          }
          char32_t lo = 0;
          if (!GetEsc(chunk, &lo)) return false;
          char32_t hi = lo;
          if (chunk.front() == '-') {
            chunk.remove_prefix(1);
            if (!GetEsc(chunk, &hi)) return false;
          }
          if (lo <= r && r <= hi) match = true;
          ++nrange;
        }
        if (match == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s.front() == '/') failed = true;
          size_t n = 0;
          DecodeAt(s, &n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) return false;
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk.front() != s.front()) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  *ok = !failed;
  *rest = failed ? std::string_view() : s;
  return true;
}

Result<bool> BadPatternError(std::string_view pattern) {
  return Fail("syntax error in pattern " + std::string(pattern),
              ErrorKind::kInvalid);
}

}  // namespace

Result<bool> GoMatch(std::string_view pattern, std::string_view name) {
  const std::string_view whole = pattern;
  while (!pattern.empty()) {
    Chunk c = ScanChunk(pattern);
    pattern = c.rest;
    if (c.star && c.chunk.empty()) {
      return name.find('/') == std::string_view::npos;
    }
    std::string_view t;
    bool ok = false;
    bool valid = MatchChunk(c.chunk, name, &t, &ok);
    if (valid && ok && (t.empty() || !pattern.empty())) {
      name = t;
      continue;
    }
    if (!valid) return BadPatternError(whole);
    bool advanced = false;
    if (c.star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        std::string_view t2;
        bool ok2 = false;
        if (!MatchChunk(c.chunk, name.substr(i + 1), &t2, &ok2)) {
          return BadPatternError(whole);
        }
        if (ok2) {
          if (pattern.empty() && !t2.empty()) continue;
          name = t2;
          advanced = true;
          break;
        }
      }
    }
    if (advanced) continue;
    while (!pattern.empty()) {
      Chunk rest = ScanChunk(pattern);
      pattern = rest.rest;
      std::string_view unused;
      bool unused_ok = false;
      if (!MatchChunk(rest.chunk, "", &unused, &unused_ok)) {
        return BadPatternError(whole);
      }
    }
    return false;
  }
  return name.empty();
}

bool ContainsWildcards(std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '\\') {
      ++i;
    } else if (c == '*' || c == '?' || c == '[') {
      return true;
    }
  }
  return false;
}

std::pair<std::string, std::string> SplitWildcards(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  std::string literal;
  std::string pattern;
  bool found = false;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (!found && ContainsWildcards(part)) found = true;
    std::string& out = found ? pattern : literal;
    if (!out.empty()) out += '/';
    out += part;
  }
  return {literal, pattern};
}

}  // namespace zlayer::copy
