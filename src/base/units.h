// Durations and sizes as users and Dockerfiles write them. Three syntaxes
// meet here: the CLI's own (`--keep 7d`), Go's time.ParseDuration (Dockerfile
// HEALTHCHECK --interval=30s) and Docker's memory sizes (`--memory 1.5g`).
#ifndef ZLAYER_BASE_UNITS_H_
#define ZLAYER_BASE_UNITS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::base {

// CLI durations: whole numbers each followed by a unit s, m, h, d (24h) or
// w (7d), combinable as in "1h30m" or "1w2d"; "0" alone is zero. Empty,
// negative, fractional or unit-less input is rejected (kInvalid).
Result<std::chrono::seconds> ParseDuration(std::string_view text);

// Exactly Go's time.ParseDuration: an optional sign, then one or more
// decimal numbers each with a unit ns, us (or µs, μs), ms, s, m, h, e.g.
// "300ms", "-1.5h", "2h45m"; "0" needs no unit. Out-of-range is rejected.
Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

// Exactly Go's Duration.String(): "1h30m0s", "1.5s", "300ms", "1.1µs",
// "0s". Whole-second results parse back with ParseDuration.
std::string FormatDuration(std::chrono::nanoseconds duration);

// Docker's RAMInBytes: a decimal number ("512", "1.5") with an optional
// case-insensitive suffix b, k, kb, kib, m, mb, mib, g, ... p, pb, pib, all
// powers of 1024, optionally after one space. Fractions of a byte are
// dropped; results above INT64_MAX (Docker's limit) are rejected.
Result<uint64_t> ParseSize(std::string_view text);

// Docker's HumanSize, as `docker images` prints: powers of 1000, four
// significant digits, no space: "999B", "1kB", "1.5MB", "123.5GB".
std::string FormatSize(uint64_t bytes);

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_UNITS_H_
