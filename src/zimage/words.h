// Writing ZImagefile values into Dockerfile text so that the Dockerfile
// parser and BuildKit's word expansion give back exactly the value: `$NAME`
// references stay live (ZImagefile values follow the Dockerfile variable
// rules), everything else is literal. Internal to the converter.
#ifndef ZLAYER_ZIMAGE_WORDS_H_
#define ZLAYER_ZIMAGE_WORDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json_text.h"

namespace zlayer::zimage::internal {

// JSON text as base/json_text.h writes it (`["a", "b"]`).
using base::JsonArray;
using base::JsonString;

// The value as one shell word: unchanged when it is made of characters
// that mean nothing to the parser or the lexer, else double-quoted with `"`
// and `\` escaped (a `\$` is kept: it is the user's literal dollar).
std::string QuoteWord(std::string_view value);

// The value as the element of a JSON-form COPY/ADD/VOLUME, which is still
// expanded as one word (blanks kept): quotes and backslashes escaped.
std::string EscapeWord(std::string_view value);

// Whether `value` contains a character the whitespace-split forms
// (COPY, ADD, VOLUME) would break a word at.
bool HasBlank(std::string_view value);

// Lexical path handling for the COPY --from rewrite (section 6.4): `/`
// separators, `.` and `..` resolved, variables left as they are.
bool IsAbsolutePath(std::string_view path);
std::string JoinPath(std::string_view dir, std::string_view path);

}  // namespace zlayer::zimage::internal

#endif  // ZLAYER_ZIMAGE_WORDS_H_
