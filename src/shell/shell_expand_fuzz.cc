// libFuzzer target for the shell-word expander.
//
// Input layout: one byte of LexerOptions flags, then the word, then
// optionally a NUL byte followed by `NAME=value` lines defining variables.
// Each input is expanded with both escape tokens, as one word and as a word
// list, and a few invariants are checked besides "does not crash".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shell/lexer.h"
#include "shell/variables.h"

namespace {

using zlayer::shell::Lexer;
using zlayer::shell::LexerOptions;
using zlayer::shell::VariableMap;

void Check(bool condition) {
  if (!condition) std::abort();
}

VariableMap ParseVariables(std::string_view text) {
  std::vector<std::string> entries;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    entries.emplace_back(text.substr(0, newline));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return VariableMap::FromAssignments(entries);
}

void Expand(const LexerOptions& options, std::string_view word,
            const VariableMap& vars) {
  const Lexer lexer(options);
  const auto expanded = lexer.ProcessWord(word, vars);
  const auto words = lexer.ProcessWords(word, vars);
  // Splitting into words must not change whether the input is valid.
  Check(expanded.has_value() == words.has_value());
  if (expanded) {
    for (const std::string& name : expanded->matched) {
      Check(vars.Get(name).has_value() && !expanded->unmatched.contains(name));
    }
    for (const std::string& name : expanded->unmatched) {
      Check(!vars.Get(name).has_value());
    }
  } else {
    Check(expanded.error().message().starts_with("failed to process \""));
    Check(expanded.error().message().find('\n') == std::string::npos);
  }
  if (words) {
    for (const std::string& w : *words) Check(!w.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1),
                              size - 1);
  const std::size_t nul = rest.find('\0');
  const std::string_view word = rest.substr(0, nul);
  const VariableMap vars =
      ParseVariables(nul == std::string_view::npos ? std::string_view()
                                                   : rest.substr(nul + 1));

  LexerOptions options;
  options.skip_process_quotes = flags & 1;
  options.raw_quotes = flags & 2;
  options.raw_escapes = flags & 4;
  options.skip_unset_env = flags & 8;
  for (const char escape : {'\\', '`'}) {
    options.escape = escape;
    Expand(options, word, vars);
  }
  return 0;
}
