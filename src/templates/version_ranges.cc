#include "templates/version_ranges.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <string>

#include "templates/project_files.h"

namespace zlayer::templates::internal {
namespace {

constexpr Triple kZero = {0, 0, 0};
constexpr Triple kInfinity = {LONG_MAX, 0, 0};

// A version with `given` leading parts written ("20" has 1, "3.12" has 2);
// the rest are zero. `given` 0 is a bare wildcard (`*`, `x`).
struct Partial {
  Triple v = kZero;
  int given = 0;
};

Triple Next(const Partial& p) {
  if (p.given == 0) return kInfinity;
  Triple out = kZero;
  for (int i = 0; i < p.given; ++i) out[i] = p.v[i];
  ++out[p.given - 1];
  return out;
}

VersionSet Range(Triple lo, Triple hi) { return {Interval{lo, hi}}; }

bool IsWildcard(std::string_view part) {
  return part == "x" || part == "X" || part == "*";
}

// Reads up to three dot-separated parts. Stops at a pre-release or build
// suffix (`-rc.1`, `+build`, `rc1`, `.post1`), which ranges here ignore.
Result<Partial> ParsePartial(std::string_view text, bool allow_v) {
  std::string_view original = text;
  if (allow_v && !text.empty() && (text[0] == 'v' || text[0] == 'V')) {
    text.remove_prefix(1);
  }
  Partial out;
  bool wildcard = false;
  for (int i = 0; !text.empty(); ++i) {
    size_t end = 0;
    while (end < text.size() && text[end] != '.') ++end;
    std::string_view part = text.substr(0, end);
    size_t digits = 0;
    while (digits < part.size() && std::isdigit(part[digits])) ++digits;
    if (IsWildcard(part)) {
      wildcard = true;
    } else if (digits == 0 || wildcard) {
      break;  // a suffix such as "-rc.1", "post1"
    } else if (i < 3) {
      if (digits > 9) {
        return Fail("version part too large in '" + std::string(original) +
                    "'");
      }
      out.v[i] = std::stol(std::string(part.substr(0, digits)));
      out.given = i + 1;
    }
    if (digits != part.size() && !IsWildcard(part)) break;
    if (end == text.size()) break;
    text.remove_prefix(end + 1);
  }
  if (out.given == 0 && !wildcard) {
    return Fail("not a version: '" + std::string(original) + "'");
  }
  return out;
}

// One npm comparator: an operator glued to a partial version.
Result<VersionSet> NpmComparator(std::string_view text) {
  std::string_view op;
  for (std::string_view candidate :
       {">=", "<=", "~>", ">", "<", "=", "^", "~"}) {
    if (StartsWith(text, candidate)) {
      op = candidate;
      break;
    }
  }
  std::string_view rest = Trim(text.substr(op.size()));
  if (rest.empty() || IsWildcard(rest)) {
    if (op == ">" || op == "<") return VersionSet{};
    return AllVersions();
  }
  ZL_ASSIGN_OR_RETURN(Partial p, ParsePartial(rest, /*allow_v=*/true));
  if (op.empty() || op == "=") return Range(p.v, Next(p));
  if (op == ">=") return Range(p.v, kInfinity);
  if (op == ">") return p.given == 0 ? VersionSet{} : Range(Next(p), kInfinity);
  if (op == "<") return p.given == 0 ? VersionSet{} : Range(kZero, p.v);
  if (op == "<=") return Range(kZero, Next(p));
  if (op == "~" || op == "~>") {
    if (p.given <= 1) return Range(p.v, Next(Partial{p.v, 1}));
    return Range(p.v, Next(Partial{p.v, 2}));
  }
  // `^`: everything up to the next change of the leftmost non-zero part.
  if (p.v[0] > 0 || p.given <= 1) return Range(p.v, Next(Partial{p.v, 1}));
  if (p.v[1] > 0 || p.given == 2) return Range(p.v, Next(Partial{p.v, 2}));
  return Range(p.v, Next(Partial{p.v, 3}));
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

bool IsOperatorOnly(std::string_view word) {
  return word.find_first_not_of("<>=~^") == std::string_view::npos;
}

// Space-separated comparators, all of which must hold.
Result<VersionSet> NpmAlternative(std::string_view text) {
  std::vector<std::string> words = SplitWords(text);
  VersionSet out = AllVersions();
  for (size_t i = 0; i < words.size(); ++i) {
    if (i + 2 < words.size() && words[i + 1] == "-") {
      ZL_ASSIGN_OR_RETURN(Partial lo, ParsePartial(words[i], true));
      ZL_ASSIGN_OR_RETURN(Partial hi, ParsePartial(words[i + 2], true));
      out = Intersect(out, Range(lo.v, Next(hi)));
      i += 2;
      continue;
    }
    std::string comparator = words[i];
    // npm accepts a space between operator and version: `>= 20`.
    if (IsOperatorOnly(comparator) && i + 1 < words.size()) {
      comparator += words[++i];
    }
    ZL_ASSIGN_OR_RETURN(VersionSet set, NpmComparator(comparator));
    out = Intersect(out, set);
  }
  return out;
}

Result<VersionSet> Pep440Clause(std::string_view clause) {
  std::string_view op;
  for (std::string_view candidate :
       {"===", "~=", "==", "!=", "<=", ">=", "<", ">"}) {
    if (StartsWith(clause, candidate)) {
      op = candidate;
      break;
    }
  }
  if (op.empty()) {
    return Fail("specifier '" + std::string(clause) +
                "' has no operator (==, >=, ~=, ...)");
  }
  std::string_view text = Trim(clause.substr(op.size()));
  bool prefix = text.ends_with(".*");
  if (prefix && op != "==" && op != "!=") {
    return Fail("'.*' is only allowed with == and != in '" +
                std::string(clause) + "'");
  }
  if (prefix) text.remove_suffix(2);
  ZL_ASSIGN_OR_RETURN(Partial p, ParsePartial(text, /*allow_v=*/false));
  // Without `.*`, a version is padded with zeros: `==3.12` is 3.12.0.
  Partial exact{p.v, 3};
  if (op == "==" || op == "===") {
    return prefix ? Range(p.v, Next(p)) : Range(p.v, Next(exact));
  }
  if (op == "!=") {
    Triple hi = prefix ? Next(p) : Next(exact);
    return VersionSet{Interval{kZero, p.v}, Interval{hi, kInfinity}};
  }
  if (op == ">=") return Range(p.v, kInfinity);
  if (op == ">") return Range(Next(exact), kInfinity);
  if (op == "<") return Range(kZero, p.v);
  if (op == "<=") return Range(kZero, Next(exact));
  // `~=X.Y[.Z]`: at least that, same release series minus the last part.
  if (p.given < 2) {
    return Fail("'~=' needs at least two version parts in '" +
                std::string(clause) + "'");
  }
  return Range(p.v, Next(Partial{p.v, p.given - 1}));
}

}  // namespace

VersionSet AllVersions() { return Range(kZero, kInfinity); }

VersionSet Intersect(const VersionSet& a, const VersionSet& b) {
  VersionSet out;
  for (const Interval& x : a) {
    for (const Interval& y : b) {
      Interval both{std::max(x.lo, y.lo), std::min(x.hi, y.hi)};
      if (both.lo < both.hi) out.push_back(both);
    }
  }
  return out;
}

bool Overlaps(const VersionSet& set, const Interval& interval) {
  return !Intersect(set, {interval}).empty();
}

Result<VersionSet> ParseNpmRange(std::string_view text) {
  VersionSet out;
  while (true) {
    size_t bar = text.find("||");
    ZL_ASSIGN_OR_RETURN(VersionSet alternative,
                        NpmAlternative(text.substr(0, bar)));
    out.insert(out.end(), alternative.begin(), alternative.end());
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 2);
  }
  return out;
}

Result<VersionSet> ParsePep440(std::string_view text) {
  const std::string_view all = text;
  VersionSet out = AllVersions();
  while (true) {
    size_t comma = text.find(',');
    std::string_view clause = Trim(text.substr(0, comma));
    if (clause.empty()) {
      return Fail("empty specifier in '" + std::string(all) + "'");
    }
    ZL_ASSIGN_OR_RETURN(VersionSet set, Pep440Clause(clause));
    out = Intersect(out, set);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace zlayer::templates::internal
