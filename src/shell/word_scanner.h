// The scanner behind Lexer, shared by word_scanner.cc (quotes, escapes,
// words) and substitution.cc ($ and ${...}). Not part of the public API.
#ifndef ZLAYER_SHELL_WORD_SCANNER_H_
#define ZLAYER_SHELL_WORD_SCANNER_H_

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shell/lexer.h"
#include "shell/variables.h"
#include "zlayer/result.h"

namespace zlayer::shell::internal {

// Collects the expanded text and, when asked, the words it splits into.
class WordBuilder {
 public:
  explicit WordBuilder(bool split_words) : split_words_(split_words) {}

  // Text whose blanks separate words: unquoted characters and the results
  // of unquoted $ expansions.
  void AppendSplitting(std::string_view text);
  // Text that stays inside the current word: quoted or escaped.
  void AppendVerbatim(std::string_view text);

  std::string TakeText() { return std::move(text_); }
  std::vector<std::string> TakeWords();

 private:
  bool split_words_;
  std::string text_;
  std::string word_;
  std::vector<std::string> words_;
};

// What one call may expand to in total. Real Dockerfiles come nowhere near
// it; it stops nested ${VAR//pattern/text} from growing exponentially.
inline constexpr std::size_t kMaxExpansionBytes = 16 << 20;

// One pass over one input. Positions are bytes; every character that means
// something here is ASCII, and a UTF-8 sequence never contains an ASCII
// byte, so multi-byte characters only need care where they are copied whole
// (after an escape token) or classified (blanks).
class WordScanner {
 public:
  WordScanner(const LexerOptions& options, const Variables& vars,
              std::string_view input)
      : options_(options), vars_(vars), input_(input) {}

  // Scans the whole input into `out`.
  Status ScanAll(WordBuilder& out);

  std::set<std::string> TakeMatched() { return std::move(matched_); }
  std::set<std::string> TakeUnmatched() { return std::move(unmatched_); }

 private:
  // How ${...} was written after the name, e.g. ":-" or "##".
  struct Modifier {
    char op;               // one of - + ? # %
    bool empty_is_unset;   // the ':' forms
    bool longest;          // ## and %%
    std::string spelling;  // as written, for messages and skip_unset_env
  };

  // Scans up to `stop` (consumed) or, without one, to the end of input.
  Status ScanUntil(std::optional<char> stop, bool raw_escapes,
                   WordBuilder& out);
  // The operand of a ${...} operator up to `stop`; running out of input
  // inside it is reported as `missing`, the delimiter that never came.
  Result<std::string> ScanOperand(char stop, bool raw_escapes,
                                  std::string_view missing);
  void ScanEscape(bool raw_escapes, WordBuilder& out);
  Result<std::string> ScanSingleQuoted();
  Result<std::string> ScanDoubleQuoted(bool raw_escapes);
  std::string ScanAngleBrackets();

  // substitution.cc
  // Expands the `$` reference at pos_ and charges its size to budget_.
  Result<std::string> ScanDollar();
  Result<std::string> ExpandDollar();
  Result<std::string> ScanBraced();
  Result<Modifier> ScanModifier();
  Result<std::string> ApplyModifier(const std::string& name,
                                    const Modifier& modifier);
  Result<std::string> ScanReplacement(const std::string& name);
  std::string ScanName();
  std::optional<std::string_view> Lookup(const std::string& name);

  bool AtEnd() const { return pos_ >= input_.size(); }
  bool Peek(char c) const { return !AtEnd() && input_[pos_] == c; }
  // The whole character at pos_, however many bytes it takes.
  std::string_view CurrentRune() const;

  const LexerOptions& options_;
  const Variables& vars_;
  std::string_view input_;
  std::size_t pos_ = 0;
  std::set<std::string> matched_;
  std::set<std::string> unmatched_;
  // Bytes that expansions may still produce, nested ones included.
  std::size_t budget_ = kMaxExpansionBytes;
};

}  // namespace zlayer::shell::internal

#endif  // ZLAYER_SHELL_WORD_SCANNER_H_
