// Text rules that Docker applies to .dockerignore patterns before matching.
// Docker's reader is written in Go, so "trim" and "clean" mean Go's
// strings.TrimSpace and path.Clean; reproducing them exactly keeps a pattern
// meaning the same thing under zlayer as under `docker build`.
#ifndef ZLAYER_DOCKERIGNORE_NORMALIZE_H_
#define ZLAYER_DOCKERIGNORE_NORMALIZE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/utf8.h"

namespace zlayer::dockerignore {

// Lexically cleans a slash-separated path (Go's path.Clean): collapses
// repeated slashes, drops "." elements, resolves ".." against the element
// before it (or keeps it at the start of a relative path, or drops it at the
// root) and removes a trailing slash. An empty path cleans to ".".
std::string CleanPath(std::string_view path);

// Applies the per-line normalisation of Docker's ignore file reader to one
// trimmed, non-empty line: "!" marks an exception (white space after it is
// dropped), the path is cleaned, and one leading "/" is removed so "/a" and
// "a" mean the same. Returns e.g. "!docs/README.md" for "! /docs//README.md".
std::string NormalizePatternLine(std::string_view line);

}  // namespace zlayer::dockerignore

#endif  // ZLAYER_DOCKERIGNORE_NORMALIZE_H_
