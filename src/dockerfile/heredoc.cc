#include "dockerfile/heredoc.h"

#include <algorithm>
#include <string>

#include "shell/lexer.h"

namespace zlayer::dockerfile {
namespace {

size_t CountQuotes(std::string_view s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\'') +
                             std::count(s.begin(), s.end(), '"'));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsRegexSpace(char c) {  // RE2's \s
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

}  // namespace

// Matches `^(\d*)<<(-?)\s*([^<]*)$`, then reads the delimiter word twice, with
// and without quotes kept: if the two differ in quotes, part of the word was
// quoted and the body must not be expanded.
Result<std::optional<Heredoc>> ParseHeredoc(std::string_view word) {
  size_t i = 0;
  while (i < word.size() && IsDigit(word[i])) ++i;
  std::string_view fd_digits = word.substr(0, i);
  if (word.substr(i, 2) != "<<") return std::nullopt;
  i += 2;
  Heredoc heredoc;
  if (i < word.size() && word[i] == '-') heredoc.chomp = true, ++i;
  while (i < word.size() && IsRegexSpace(word[i])) ++i;
  std::string_view rest = word.substr(i);
  if (rest.find('<') != std::string_view::npos) return std::nullopt;
  if (rest.empty()) return std::nullopt;

  const shell::VariableMap none;
  shell::LexerOptions options{.escape = '\\', .skip_unset_env = true};
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> words,
                      shell::Lexer(options).ProcessWords(rest, none));
  if (words.size() != 1) return std::nullopt;
  options.raw_quotes = true;
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> raw_words,
                      shell::Lexer(options).ProcessWords(rest, none));
  if (raw_words.size() != 1) {
    return Fail("internal lexing of heredoc produced inconsistent results: " +
                    std::string(rest),
                ErrorKind::kInvalid);
  }
  heredoc.name = words[0];
  heredoc.expand = CountQuotes(words[0]) == CountQuotes(raw_words[0]);
  // Go's ParseUint: an empty or overflowing prefix leaves the fd at 0.
  if (!fd_digits.empty() && fd_digits.size() <= 9) {
    heredoc.file_descriptor =
        static_cast<unsigned>(std::stoul(std::string(fd_digits)));
  }
  return heredoc;
}

Result<std::vector<Heredoc>> HeredocsFromLine(std::string_view line) {
  const shell::VariableMap none;
  const shell::Lexer lexer(shell::LexerOptions{.escape = '\\',
                                               .raw_quotes = true,
                                               .raw_escapes = true,
                                               .skip_unset_env = true});
  // A line the lexer cannot split has no heredocs (BuildKit ignores the
  // error too; the instruction itself reports what is wrong).
  auto words = lexer.ProcessWords(line, none);
  std::vector<Heredoc> heredocs;
  if (!words) return heredocs;
  for (const std::string& word : *words) {
    ZL_ASSIGN_OR_RETURN(std::optional<Heredoc> heredoc, ParseHeredoc(word));
    if (heredoc) heredocs.push_back(std::move(*heredoc));
  }
  return heredocs;
}

}  // namespace zlayer::dockerfile
