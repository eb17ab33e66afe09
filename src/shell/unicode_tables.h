// Unicode character classes that BuildKit's lexer takes from Go's unicode
// package: a variable name is letters, digits and '_' in the Unicode sense,
// so `$USER님` names the variable "USER님" there, and must here too.
#ifndef ZLAYER_SHELL_UNICODE_TABLES_H_
#define ZLAYER_SHELL_UNICODE_TABLES_H_

namespace zlayer::shell {

// General category L (Lu, Ll, Lt, Lm, Lo): Go's unicode.IsLetter.
bool IsLetterRune(char32_t rune);

// General category Nd: Go's unicode.IsDigit.
bool IsDigitRune(char32_t rune);

}  // namespace zlayer::shell

#endif  // ZLAYER_SHELL_UNICODE_TABLES_H_
