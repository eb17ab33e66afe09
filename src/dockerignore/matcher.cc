#include "dockerignore/matcher.h"

#include <algorithm>
#include <utility>

#include "dockerignore/normalize.h"

namespace zlayer::dockerignore {
namespace {

// An exception's text without a final "/**" or "/*" (both, in that
// order, as BuildKit strips them): what is left must lie on the path to
// anything the exception can re-include.
std::string_view WithoutTrailingGlob(std::string_view text) {
  if (text.ends_with("/**")) text.remove_suffix(3);
  if (text.ends_with("/*")) text.remove_suffix(2);
  return text;
}

bool HasGlobChars(std::string_view text) {
  return text.find_first_of("*[]?^\\") != std::string_view::npos;
}

// True when `pattern` matches a parent directory of `path`: "a" and
// "a/b" for "a/b/c".
bool MatchesParent(const Pattern& pattern, std::string_view path) {
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    if (pattern.Matches(path.substr(0, slash))) return true;
  }
  return false;
}

}  // namespace

Result<Pattern> Pattern::Parse(std::string_view normalized, int line) {
  const std::string_view trimmed = base::TrimSpace(normalized);
  if (trimmed.empty()) return Fail("empty pattern", ErrorKind::kInvalid);
  std::string text = CleanPath(trimmed);
  const bool exception = text.front() == '!';
  if (exception) {
    // Cleaning "!" with the rest is Docker's order too, which is why "!/"
    // ends up here as a bare "!".
    if (text.size() == 1) {
      return Fail("\"!\" must be followed by a pattern", ErrorKind::kInvalid);
    }
    text.erase(0, 1);
  }
  ZL_ASSIGN_OR_RETURN(Glob glob, Glob::Compile(text));
  return Pattern(std::move(glob), exception, line);
}

Result<Matcher> Matcher::Create(std::span<const std::string> lines) {
  std::vector<Pattern> patterns;
  for (const std::string& line : lines) {
    const std::string_view trimmed = base::TrimSpace(line);
    const std::string normalized = NormalizePatternLine(trimmed);
    // Cleaning can leave only white space ("./ /"), which Docker drops.
    if (base::TrimSpace(normalized).empty()) continue;
    auto pattern = Pattern::Parse(normalized);
    if (!pattern) {
      return Fail("invalid pattern \"" + std::string(trimmed) +
                      "\": " + pattern.error().message(),
                  ErrorKind::kInvalid);
    }
    patterns.push_back(*std::move(pattern));
  }
  return Matcher(std::move(patterns), "");
}

Matcher::Matcher(std::vector<Pattern> patterns, std::string source)
    : patterns_(std::move(patterns)), source_(std::move(source)) {
  for (const Pattern& pattern : patterns_) {
    if (!pattern.exception()) continue;
    has_exceptions_ = true;
    if (HasGlobChars(WithoutTrailingGlob(pattern.text()))) {
      literal_exceptions_ = false;
    }
  }
}

bool Matcher::MatchesOrParentMatches(std::string_view path) const {
  std::string clean = CleanPath(path);
  if (clean.size() > 1 && clean.front() == '/') clean.erase(0, 1);
  if (clean == "." || clean == "/") return false;
  return MatchUsingParent(clean, DirMatch()).excluded;
}

MatchResult Matcher::MatchUsingParent(std::string_view path,
                                      const DirMatch& parent) const {
  // A state from a different matcher says nothing about these patterns.
  const bool known =
      parent.matched_.size() == patterns_.size() && !parent.matched_.empty();
  MatchResult result;
  result.dir.matched_.assign(patterns_.size(), false);
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    const Pattern& pattern = patterns_[i];
    bool matched = known && parent.matched_[i];
    if (!matched) {
      // A pattern that cannot flip the current answer is skipped, and so
      // is not remembered for the children (BuildKit's quirk, see header).
      if (pattern.exception() != result.excluded) continue;
      matched =
          pattern.Matches(path) || (!known && MatchesParent(pattern, path));
    }
    result.dir.matched_[i] = matched;
    if (matched) result.excluded = !pattern.exception();
  }
  return result;
}

bool Matcher::HasExceptionUnder(std::string_view dir) const {
  if (!has_exceptions_) return false;
  if (!literal_exceptions_) return true;
  std::string dir_slash(dir);
  dir_slash += '/';
  return std::any_of(patterns_.begin(), patterns_.end(),
                     [&](const Pattern& pattern) {
                       if (!pattern.exception()) return false;
                       std::string text(WithoutTrailingGlob(pattern.text()));
                       text += '/';
                       return text.starts_with(dir_slash);
                     });
}

}  // namespace zlayer::dockerignore
