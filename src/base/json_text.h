// JSON string literals and string arrays written by hand, for text that
// other parsers read back (Dockerfile JSON forms, buildah's --cmd): quotes,
// backslashes and control characters escaped, everything else (UTF-8
// included) kept as it is.
#ifndef ZLAYER_BASE_JSON_TEXT_H_
#define ZLAYER_BASE_JSON_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace zlayer::base {

// "\"a \\\"b\\\"\"" for `a "b"`.
std::string JsonString(std::string_view value);

// `["a", "b"]` with `separator` ", " or `["a","b"]` with ",".
std::string JsonArray(const std::vector<std::string>& values,
                      std::string_view separator = ", ");

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_JSON_TEXT_H_
