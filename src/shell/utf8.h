// UTF-8 helpers for the shell-word expander. BuildKit's lexer works on Go
// runes, so splitting words, `?` in patterns and escapes must all step over
// whole code points rather than bytes to give the same results.
#ifndef ZLAYER_SHELL_UTF8_H_
#define ZLAYER_SHELL_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/utf8.h"

namespace zlayer::shell {

using base::DecodeRune;
using base::IsSpaceRune;
using base::Rune;

// `text` as a double-quoted, single-line string for error messages: quotes,
// backslashes and control characters are escaped, malformed bytes become
// \xNN.
std::string QuoteForMessage(std::string_view text);

// `text` with only control characters and malformed bytes escaped, for
// pieces of input (a ${VAR?message}, a pattern) inside an error message.
std::string OneLineForMessage(std::string_view text);

}  // namespace zlayer::shell

#endif  // ZLAYER_SHELL_UTF8_H_
