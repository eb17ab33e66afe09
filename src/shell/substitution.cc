// Parameter expansion: `$NAME` and the ${...} forms listed in lexer.h.
#include <string>
#include <utility>

#include "shell/pattern.h"
#include "shell/unicode_tables.h"
#include "shell/utf8.h"
#include "shell/word_scanner.h"

namespace zlayer::shell::internal {
namespace {

constexpr std::string_view kMissingBrace = "syntax error: missing '}'";
constexpr std::string_view kMissingSlash = "syntax error: missing '/' in ${}";

std::unexpected<Error> SyntaxError(std::string_view message) {
  return Fail(std::string(message), ErrorKind::kInvalid);
}

// POSIX special parameters ($@, $#, ...); each is a one-character name.
bool IsSpecialParameter(char c) {
  switch (c) {
    case '@':
    case '*':
    case '#':
    case '?':
    case '-':
    case '$':
    case '!':
    case '0':
      return true;
    default:
      return false;
  }
}

std::unexpected<Error> ExpansionTooLarge() {
  return Fail("expansion is larger than " +
                  std::to_string(kMaxExpansionBytes >> 20) + " MiB",
              ErrorKind::kInvalid);
}

Result<Pattern> CompilePattern(std::string_view text) {
  auto pattern = Pattern::Compile(text);
  if (!pattern) {
    return Fail("invalid pattern (" + std::string(text) +
                    ") in substitution: " + pattern.error().message(),
                ErrorKind::kInvalid);
  }
  return pattern;
}

}  // namespace

std::string WordScanner::ScanName() {
  // Names are Unicode letters, digits and '_', as with Go's unicode
  // package in BuildKit; a leading digit makes a positional parameter of
  // all the digits that follow ($10 is parameter ten, unlike in sh).
  const auto rune_is = [this](auto predicate) {
    return !AtEnd() && predicate(DecodeRune(input_, pos_).value);
  };
  const auto is_name_rune = [](char32_t r) {
    return r == '_' || IsLetterRune(r) || IsDigitRune(r);
  };
  const std::size_t start = pos_;
  if (rune_is(IsDigitRune)) {
    while (rune_is(IsDigitRune)) pos_ += CurrentRune().size();
  } else if (!AtEnd() && IsSpecialParameter(input_[pos_])) {
    ++pos_;
  } else {
    while (rune_is(is_name_rune)) pos_ += CurrentRune().size();
  }
  return std::string(input_.substr(start, pos_ - start));
}

std::optional<std::string_view> WordScanner::Lookup(const std::string& name) {
  const std::optional<std::string_view> value = vars_.Get(name);
  (value ? matched_ : unmatched_).insert(name);
  return value;
}

Result<std::string> WordScanner::ScanDollar() {
  ZL_ASSIGN_OR_RETURN(std::string value, ExpandDollar());
  if (value.size() > budget_) return ExpansionTooLarge();
  budget_ -= value.size();
  return value;
}

Result<std::string> WordScanner::ExpandDollar() {
  ++pos_;  // '$'
  if (!Peek('{')) {
    const std::string name = ScanName();
    // A `$` that starts no name ("$.", a trailing "$") is literal.
    if (name.empty()) return std::string("$");
    const std::optional<std::string_view> value = Lookup(name);
    if (!value && options_.skip_unset_env) return "$" + name;
    return std::string(value.value_or(""));
  }
  ++pos_;  // '{'
  return ScanBraced();
}

Result<std::string> WordScanner::ScanBraced() {
  if (AtEnd()) return SyntaxError(kMissingBrace);
  if (Peek('{') || Peek('}') || Peek(':')) {
    return SyntaxError("syntax error: bad substitution");
  }
  const std::string name = ScanName();
  if (AtEnd()) return SyntaxError(kMissingBrace);
  if (name.empty()) return SyntaxError("syntax error: bad substitution");
  if (Peek('}')) {
    ++pos_;
    const std::optional<std::string_view> value = Lookup(name);
    if (!value && options_.skip_unset_env) return "${" + name + "}";
    return std::string(value.value_or(""));
  }
  if (Peek('/')) {
    ++pos_;
    return ScanReplacement(name);
  }
  ZL_ASSIGN_OR_RETURN(const Modifier modifier, ScanModifier());
  return ApplyModifier(name, modifier);
}

Result<WordScanner::Modifier> WordScanner::ScanModifier() {
  Modifier modifier{};
  if (Peek(':')) {
    ++pos_;
    if (AtEnd()) return SyntaxError(kMissingBrace);
    modifier.empty_is_unset = true;
    modifier.spelling = ":";
  }
  // The whole character, so that an error quoting it stays valid UTF-8.
  const std::string_view op = CurrentRune();
  pos_ += op.size();
  modifier.op = op.front();
  modifier.spelling += op;
  const bool trims = op == "#" || op == "%";
  if (op.size() != 1 || (op != "-" && op != "+" && op != "?" && !trims) ||
      (trims && modifier.empty_is_unset)) {
    return SyntaxError("unsupported modifier (" + modifier.spelling +
                       ") in substitution");
  }
  if (trims && Peek(modifier.op)) {
    // Decided by the text as written, as sh does: ${a#$P} stays a shortest
    // match even when P's value starts with '#'.
    ++pos_;
    modifier.longest = true;
    modifier.spelling += modifier.op;
  }
  return modifier;
}

Result<std::string> WordScanner::ApplyModifier(const std::string& name,
                                               const Modifier& modifier) {
  // Patterns keep their escapes: `\*` must reach the pattern compiler.
  const bool is_pattern = modifier.op == '#' || modifier.op == '%';
  ZL_ASSIGN_OR_RETURN(std::string word,
                      ScanOperand('}', is_pattern, kMissingBrace));
  const std::optional<std::string_view> value = Lookup(name);
  if (!value && options_.skip_unset_env) {
    return "${" + name + modifier.spelling + word + "}";
  }
  const bool usable = value && !(modifier.empty_is_unset && value->empty());
  switch (modifier.op) {
    case '-':
      if (usable) return std::string(*value);
      return word;
    case '+':
      if (usable) return word;
      return std::string();
    case '?':
      if (usable) return std::string(*value);
      if (!word.empty()) return Fail(name + ": " + word);
      return Fail(name + (value ? ": is not allowed to be empty"
                                : ": is not allowed to be unset"));
    default:
      break;
  }
  ZL_ASSIGN_OR_RETURN(const Pattern pattern, CompilePattern(word));
  const std::string_view text = value.value_or("");
  if (modifier.op == '#') {
    const auto end = pattern.MatchPrefix(text, modifier.longest);
    return std::string(end ? text.substr(*end) : text);
  }
  const auto start = pattern.MatchSuffix(text, modifier.longest);
  return std::string(start ? text.substr(0, *start) : text);
}

Result<std::string> WordScanner::ScanReplacement(const std::string& name) {
  const bool all = Peek('/');
  if (all) ++pos_;
  ZL_ASSIGN_OR_RETURN(const std::string pattern_text,
                      ScanOperand('/', /*raw_escapes=*/true, kMissingSlash));
  ZL_ASSIGN_OR_RETURN(const std::string replacement,
                      ScanOperand('}', /*raw_escapes=*/true, kMissingBrace));
  const std::optional<std::string_view> value = Lookup(name);
  if (!value && options_.skip_unset_env) {
    return "${" + name + (all ? "//" : "/") + pattern_text + "/" + replacement +
           "}";
  }
  ZL_ASSIGN_OR_RETURN(const Pattern pattern, CompilePattern(pattern_text));
  const std::string_view text = value.value_or("");
  if (!all) return pattern.ReplaceFirst(text, replacement);
  std::optional<std::string> replaced =
      pattern.ReplaceAll(text, replacement, budget_);
  if (!replaced) return ExpansionTooLarge();
  return *std::move(replaced);
}

}  // namespace zlayer::shell::internal
