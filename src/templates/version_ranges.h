// Version ranges as unions of half-open intervals over (major, minor, patch),
// enough to answer "does any release of this template's line satisfy the
// project's constraint?". Pre-release tags are ignored: templates track
// release lines. Private to the module.
#ifndef ZLAYER_TEMPLATES_VERSION_RANGES_H_
#define ZLAYER_TEMPLATES_VERSION_RANGES_H_

#include <array>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::templates::internal {

using Triple = std::array<long, 3>;

// [lo, hi); empty when lo >= hi.
struct Interval {
  Triple lo;
  Triple hi;
};

using VersionSet = std::vector<Interval>;

VersionSet AllVersions();
VersionSet Intersect(const VersionSet& a, const VersionSet& b);
bool Overlaps(const VersionSet& set, const Interval& interval);

// An npm semver range: `||` alternatives of comparators (`>=20 <23`, `^20.1`,
// `~22`, `20.x`, `1.2 - 3`, `*`), a leading `v` allowed on versions.
Result<VersionSet> ParseNpmRange(std::string_view text);

// A PEP 440 specifier set: comma-separated `>=`, `>`, `<=`, `<`, `==`
// (with `.*`), `!=`, `~=` and `===` clauses.
Result<VersionSet> ParsePep440(std::string_view text);

}  // namespace zlayer::templates::internal

#endif  // ZLAYER_TEMPLATES_VERSION_RANGES_H_
