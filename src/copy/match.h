// Go's filepath.Match, which COPY/ADD sources use for wildcards (BuildKit
// resolves them with it, not with the .dockerignore syntax: no "**", and
// "*" and "?" never match "/").
#ifndef ZLAYER_COPY_MATCH_H_
#define ZLAYER_COPY_MATCH_H_

#include <string>
#include <string_view>
#include <utility>

#include "zlayer/result.h"

namespace zlayer::copy {

// filepath.Match(pattern, name); kInvalid for a malformed pattern (Go's
// ErrBadPattern), found even when the name does not match.
Result<bool> GoMatch(std::string_view pattern, std::string_view name);

// True when `name` has "*", "?" or "[" not escaped by "\".
bool ContainsWildcards(std::string_view name);

// Splits a clean slash path at the first component with a wildcard: the
// literal directory before it and the pattern from it on ("a/b*/c" is
// {"a", "b*/c"}; no wildcard gives {path, ""}).
std::pair<std::string, std::string> SplitWildcards(std::string_view path);

}  // namespace zlayer::copy

#endif  // ZLAYER_COPY_MATCH_H_
