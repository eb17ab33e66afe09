// "Did you mean ...?" hints for misspelt instructions, flags and mount
// options, chosen the way BuildKit's util/suggest does (Levenshtein distance
// below 3, closest first, case matched to what the user typed), with ties
// broken by counting a swap of neighbours as one edit.
#ifndef ZLAYER_DOCKERFILE_SUGGEST_H_
#define ZLAYER_DOCKERFILE_SUGGEST_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace zlayer::dockerfile {

// The option closest to `value`, or nothing when none is close enough or
// `value` is itself one of the options (the error is then about something
// else than spelling). Remaining ties go to the earliest option.
std::optional<std::string> SuggestClosest(
    std::string_view value, std::span<const std::string_view> options,
    bool case_sensitive);

// `message` with " (did you mean <match>?)" appended when there is a match.
std::string WithSuggestion(std::string message, std::string_view value,
                           std::span<const std::string_view> options,
                           bool case_sensitive);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_SUGGEST_H_
