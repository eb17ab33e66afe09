// Durations in the "humantime" syntax ZImagefile healthchecks use (the Rust
// crate of the same name): number-unit terms, optionally separated by
// spaces, summed: "30s", "1m30s", "1h 5m", "500ms". A bare number is an
// error. Months are 30.44 days and years 365.25 days, as in humantime.
#ifndef ZLAYER_ZIMAGE_HUMANTIME_H_
#define ZLAYER_ZIMAGE_HUMANTIME_H_

#include <chrono>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::zimage {

// Errors (kInvalid) carry only the reason, e.g. "time unit needed, for
// example 30sec or 30ms"; callers name the field.
Result<std::chrono::nanoseconds> ParseHumantime(std::string_view text);

}  // namespace zlayer::zimage

#endif  // ZLAYER_ZIMAGE_HUMANTIME_H_
