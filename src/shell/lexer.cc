#include "shell/lexer.h"

#include <utility>

#include "shell/utf8.h"
#include "shell/word_scanner.h"

namespace zlayer::shell {
namespace {

// Errors are one line whatever the input held: a heredoc body or a
// ${VAR?message} may span lines.
std::unexpected<Error> FailedToProcess(std::string_view word,
                                       const Error& cause) {
  Error error(OneLineForMessage(cause.message()), cause.kind());
  error.AddContext("failed to process " + QuoteForMessage(word));
  return std::unexpected(std::move(error));
}

}  // namespace

Result<ExpandResult> Lexer::ProcessWord(std::string_view word,
                                        const Variables& vars) const {
  internal::WordScanner scanner(options_, vars, word);
  internal::WordBuilder out(/*split_words=*/false);
  if (Status scanned = scanner.ScanAll(out); !scanned) {
    return FailedToProcess(word, scanned.error());
  }
  return ExpandResult{out.TakeText(), scanner.TakeMatched(),
                      scanner.TakeUnmatched()};
}

Result<std::vector<std::string>> Lexer::ProcessWords(
    std::string_view text, const Variables& vars) const {
  internal::WordScanner scanner(options_, vars, text);
  internal::WordBuilder out(/*split_words=*/true);
  if (Status scanned = scanner.ScanAll(out); !scanned) {
    return FailedToProcess(text, scanned.error());
  }
  return out.TakeWords();
}

}  // namespace zlayer::shell
