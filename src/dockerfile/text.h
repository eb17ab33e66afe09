// Text primitives with the exact semantics of the Go functions BuildKit's
// parser is built on (unicode.IsSpace, strings.TrimSpace, strconv.Quote, the
// `[\t\v\f\r ]+` splitter), so that our parse tree matches byte for byte.
#ifndef ZLAYER_DOCKERFILE_TEXT_H_
#define ZLAYER_DOCKERFILE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zlayer::dockerfile::text {

// The separators of BuildKit's reWhitespace: tab, VT, FF, CR and space.
bool IsAsciiBlank(char c);

// regexp(`[\t\v\f\r ]+`).Split(s, limit), limit < 0 meaning no limit.
std::vector<std::string_view> SplitBlank(std::string_view s, int limit);

// strconv.Quote: a double-quoted Go string literal.
std::string GoQuote(std::string_view s);

std::string ToLower(std::string_view s);

}  // namespace zlayer::dockerfile::text

#endif  // ZLAYER_DOCKERFILE_TEXT_H_
