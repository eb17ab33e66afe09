#include "dockerfile/directives.h"

#include "base/utf8.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

bool IsRegexSpace(char c) {  // RE2's \s: [\t\n\f\r ]
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Matches `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
std::optional<Directive> MatchDirective(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return std::nullopt;
  size_t i = 1;
  while (i < s.size() && (IsAlpha(s[i]) || IsDigit(s[i]))) ++i;
  std::string name = text::ToLower(s.substr(0, i));
  while (i < s.size() && IsRegexSpace(s[i])) ++i;
  if (i == s.size() || s[i] != '=') return std::nullopt;
  std::string_view rest = s.substr(i + 1);
  if (rest.empty() || rest.find('\n') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view value = rest;
  while (!value.empty() && IsRegexSpace(value.front())) value.remove_prefix(1);
  while (!value.empty() && IsRegexSpace(value.back())) value.remove_suffix(1);
  // All blank: the regex backtracks so that `.+?` takes the last blank.
  if (value.empty()) value = rest.substr(rest.size() - 1);
  return Directive{std::move(name), std::string(value)};
}

}  // namespace

Result<std::optional<Directive>> DirectiveParser::ParseLine(
    std::string_view line) {
  if (done_) return std::nullopt;
  if (line.empty() || line[0] != '#') {
    done_ = true;
    return std::nullopt;
  }
  std::optional<Directive> directive =
      MatchDirective(base::TrimLeftSpace(line.substr(1)));
  if (!directive ||
      (directive->name != "escape" && directive->name != "syntax" &&
       directive->name != "check")) {
    done_ = true;
    return std::nullopt;
  }
  if (!seen_.insert(directive->name).second) {
    return Fail("only one " + directive->name + " parser directive can be used",
                ErrorKind::kInvalid);
  }
  return directive;
}

}  // namespace zlayer::dockerfile
