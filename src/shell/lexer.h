// The shell-word expander of Dockerfile instructions: `$VAR`, `${VAR}`, the
// ${VAR<op>word} operators, quotes and the escape token, with the rules of
// BuildKit's frontend/dockerfile/shell lexer so a Dockerfile expands here as
// it does under `docker build`.
//
//   ${VAR:-w} ${VAR-w}  w when VAR is unset or empty / unset
//   ${VAR:+w} ${VAR+w}  w when VAR is set and non-empty / set, else empty
//   ${VAR:?m} ${VAR?m}  fail with "VAR: m" when unset or empty / unset
//   ${VAR#p}  ${VAR##p} VAR without its shortest / longest prefix matching p
//   ${VAR%p}  ${VAR%%p} VAR without its shortest / longest suffix matching p
//   ${VAR/p/r}          VAR with the first match of p replaced by r
//   ${VAR//p/r}         ... every match replaced
// p is a shell pattern (see pattern.h); w, m, p and r are expanded first.
// Names are Unicode letters, digits and '_' (Go's unicode classes, as in
// BuildKit). `$1`..., `$@`, `$#` and the other special parameters are looked
// up like any name; Dockerfiles never define them, so they expand to
// nothing. Unquoted, an escape token makes the next character literal;
// inside double quotes it does so only before `"`, `$` and itself; single
// quotes take everything literally. A trailing escape token is dropped.
//
// Where BuildKit's behaviour is an accident that loses or garbles text, this
// differs on purpose:
//  - ProcessWords keeps the text before a ${VAR:-w}-style operator in its
//    word (BuildKit drops it: `a${X:-b}` splits to "b" there).
//  - With raw_escapes, an escape before an ordinary character inside double
//    quotes is kept once (BuildKit writes it twice).
//  - The r of ${VAR/p/r} is literal text (BuildKit hands it to Go's
//    regexp.ReplaceAllString, which reads `$name` in it as a group).
//  - `##` and `%%` are read as written: ${A#$P} stays a shortest match when
//    P's value starts with '#'.
//  - ${+x}, ${%x} and ${/a/b}, with no name, are a bad substitution rather
//    than empty; a pattern ending in a lone `\` (possible only with the
//    backtick escape token) is an error even for `%`.
//  - With skip_unset_env an unsupported modifier is an error even when the
//    variable is unset, and ${X//a/b} is kept with both slashes.
//  - One call may expand to at most 16 MiB (nested replacements would
//    otherwise grow exponentially).
#ifndef ZLAYER_SHELL_LEXER_H_
#define ZLAYER_SHELL_LEXER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shell/variables.h"
#include "zlayer/result.h"

namespace zlayer::shell {

// BuildKit's Lex switches, and the Dockerfile instructions that use them:
//
//  - All off (the default): the values of ENV, LABEL and ARG (keys too), the
//    sources, destination, --chown, --chmod (and ADD --checksum) of ADD and
//    COPY, WORKDIR, USER, VOLUME, STOPSIGNAL, the RUN --mount options, and
//    FROM's image and --platform (against the global ARGs only). EXPOSE
//    splits its arguments with ProcessWords. COPY --from is expanded with no
//    variables only to reject it if it changes.
//  - skip_process_quotes: the body of an ADD/COPY heredoc whose delimiter is
//    unquoted (`COPY <<EOF /f`): quotes in file content are data.
//  - raw_quotes + skip_unset_env: the RUN step's name shown in progress
//    output: known variables are shown expanded, the others as written.
//  - raw_quotes + raw_escapes + skip_unset_env, ProcessWords with no
//    variables: the parser finding the heredoc operators (`<<EOF`) of a line;
//    then skip_unset_env with and without raw_quotes to tell a quoted
//    delimiter (`<<"EOF"`, body not expanded) from a bare one.
struct LexerOptions {
  // '\\' or '`' (the `# escape=` directive). Quotes and `$` keep their
  // meaning even if chosen here.
  char escape = '\\';
  // Quotes are ordinary characters.
  bool skip_process_quotes = false;
  // Quotes are honoured but kept in the output.
  bool raw_quotes = false;
  // Escape tokens are honoured but kept in the output.
  bool raw_escapes = false;
  // An undefined variable is left as written (`$X`, `${X:-d}`) instead of
  // expanding to the empty string; operators apply only to defined ones.
  bool skip_unset_env = false;
};

struct ExpandResult {
  std::string word;
  // The names the word looked up, split by whether they were defined:
  // matched says which build args a step used (cache keys, unused-arg
  // warnings), unmatched which names were undefined (BuildKit's
  // UndefinedVar check).
  std::set<std::string> matched;
  std::set<std::string> unmatched;
};

// Stateless and cheap to copy; safe to share between threads.
class Lexer {
 public:
  explicit Lexer(char escape = '\\') : options_{.escape = escape} {}
  explicit Lexer(const LexerOptions& options) : options_(options) {}

  const LexerOptions& options() const { return options_; }

  // Expands one word, keeping blanks as they are. Fails with
  // `failed to process "<word>": <reason>` on a syntax error or a
  // ${VAR?message}.
  Result<ExpandResult> ProcessWord(std::string_view word,
                                   const Variables& vars) const;

  // Expands `text` and splits it into words at unquoted, unescaped blanks,
  // blanks that come out of an unquoted expansion included, the way an
  // exec-form argument list is split. Empty words are dropped; `<<` keeps
  // the blanks after it so a heredoc operator stays one word.
  Result<std::vector<std::string>> ProcessWords(std::string_view text,
                                                const Variables& vars) const;

 private:
  LexerOptions options_;
};

}  // namespace zlayer::shell

#endif  // ZLAYER_SHELL_LEXER_H_
