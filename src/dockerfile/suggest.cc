#include "dockerfile/suggest.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

// Same threshold as BuildKit (borrowed there from HCL).
constexpr size_t kMaxDistance = 3;

std::string Lower(std::string_view s) { return text::ToLower(s); }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Unit-cost edit distance. Without transpositions it is agext/levenshtein
// with default parameters, BuildKit's measure; with them (optimal string
// alignment) it only breaks ties, which BuildKit leaves to Go's random map
// order: "RNU" is as far from ENV as from RUN, but one swap from RUN.
// Inputs are short keywords, so bytes stand in for runes.
size_t Distance(std::string_view a, std::string_view b, bool transpositions) {
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
          a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// Keeps the user's all-lower or all-upper spelling in the suggestion.
std::string MatchCase(std::string_view match, std::string_view typed) {
  if (typed == Lower(typed)) return Lower(match);
  if (typed == Upper(typed)) return Upper(match);
  return std::string(match);
}

}  // namespace

std::optional<std::string> SuggestClosest(
    std::string_view value, std::span<const std::string_view> options,
    bool case_sensitive) {
  std::string wanted = case_sensitive ? std::string(value) : Lower(value);
  std::optional<std::string> match;
  std::pair<size_t, size_t> best{kMaxDistance, 0};
  for (std::string_view option : options) {
    std::string candidate =
        case_sensitive ? std::string(option) : Lower(option);
    if (candidate == wanted) return std::nullopt;
    std::pair<size_t, size_t> distance{Distance(wanted, candidate, false),
                                       Distance(wanted, candidate, true)};
    if (distance < best) {
      best = distance;
      match = case_sensitive ? candidate : MatchCase(candidate, value);
    }
  }
  return match;
}

std::string WithSuggestion(std::string message, std::string_view value,
                           std::span<const std::string_view> options,
                           bool case_sensitive) {
  if (auto match = SuggestClosest(value, options, case_sensitive)) {
    message += " (did you mean " + *match + "?)";
  }
  return message;
}

}  // namespace zlayer::dockerfile
