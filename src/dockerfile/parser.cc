#include "dockerfile/parser.h"

#include <optional>

#include "base/utf8.h"
#include "dockerfile/directives.h"
#include "dockerfile/heredoc.h"
#include "dockerfile/line_parsers.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

// bufio.Scanner's limit: BuildKit rejects longer lines.
constexpr size_t kMaxLineSize = 64 * 1024 - 1;

class LineScanner {
 public:
  explicit LineScanner(std::string_view content) : rest_(content) {}

  // The next physical line with its line ending, or nothing at the end.
  std::optional<std::string_view> Next() {
    if (rest_.empty()) return std::nullopt;
    size_t nl = rest_.find('\n');
    size_t len = nl == std::string_view::npos ? rest_.size() : nl + 1;
    std::string_view line = rest_.substr(0, len);
    rest_.remove_prefix(len);
    if (line.size() - (nl == std::string_view::npos ? 0 : 1) > kMaxLineSize) {
      too_long_ = true;
      rest_ = {};
      return std::nullopt;
    }
    return line;
  }
  bool too_long() const { return too_long_; }

 private:
  std::string_view rest_;
  bool too_long_ = false;
};

std::string_view TrimNewline(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsComment(std::string_view line) {
  line = base::TrimLeftSpace(line);
  return !line.empty() && line[0] == '#';
}

// Parsing state that directives change while the file is read.
struct ParserState {
  char32_t escape = '\\';
  DirectiveParser directives;
  ParseResult* result = nullptr;
};

// Strips the line ending (and, for the first line of an instruction, leading
// blanks), feeds the directive parser, and drops comment lines. Sets
// `is_directive` when the line was a parser directive.
Result<std::string_view> ProcessLine(ParserState& state, std::string_view line,
                                     bool strip_left, bool& is_directive) {
  line = TrimNewline(line);
  if (strip_left) line = base::TrimLeftSpace(line);
  is_directive = false;
  ZL_ASSIGN_OR_RETURN(std::optional<Directive> directive,
                      state.directives.ParseLine(line));
  if (directive) {
    is_directive = true;
    if (directive->name == "escape") {
      if (directive->value != "`" && directive->value != "\\") {
        return Fail("invalid escape token '" + directive->value +
                        "' does not match ` or \\",
                    ErrorKind::kInvalid);
      }
      state.escape = static_cast<unsigned char>(directive->value[0]);
      state.result->escape_token = static_cast<char>(state.escape);
    } else if (directive->name == "syntax") {
      state.result->syntax = directive->value;
    } else {
      state.result->check = directive->value;
    }
  }
  if (IsComment(line)) return std::string_view();
  return line;
}

// A trailing escape token (after a non-escape character, or alone on the
// line) continues the instruction on the next line. Returns true at the end
// of the instruction.
bool TrimContinuation(std::string& line, char32_t escape) {
  size_t end = line.size();
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  if (end == 0 || static_cast<unsigned char>(line[end - 1]) != escape) {
    return true;
  }
  if (end >= 2 && static_cast<unsigned char>(line[end - 2]) == escape) {
    return true;  // an escaped escape token is literal
  }
  line.resize(end - 1);
  return false;
}

Result<Node> NodeFromLine(std::string_view line, char32_t escape) {
  std::vector<std::string_view> cmdline =
      text::SplitBlank(base::TrimSpace(line), 2);
  Node node;
  node.keyword = std::string(cmdline[0]);
  node.original = std::string(line);
  std::string args;
  if (cmdline.size() == 2) {
    SplitFlags split = ExtractBuilderFlags(cmdline[1], escape);
    node.flags = std::move(split.flags);
    args = std::string(base::TrimSpace(split.rest));
  }
  ZL_RETURN_IF_ERROR(
      ParseArguments(node.Name(), args, escape, &NodeFromLine, node));
  return node;
}

bool CanContainHeredoc(const Node& node) {
  const Node* target = &node;
  if (node.Name() == "onbuild" && !node.sub.empty()) target = &node.sub[0];
  std::string name = target->Name();
  return (name == "add" || name == "copy" || name == "run") && !target->json;
}

Error At(const std::string& filename, int line, Error error) {
  return error.AddContext(filename + ":" + std::to_string(line));
}

// Reads the bodies of the heredocs that `node` opens from the lines after it.
Status ReadHeredocs(LineScanner& scanner, Node& node, int& current_line) {
  ZL_ASSIGN_OR_RETURN(std::vector<Heredoc> heredocs,
                      HeredocsFromLine(node.original));
  for (Heredoc& heredoc : heredocs) {
    bool terminated = false;
    while (std::optional<std::string_view> raw = scanner.Next()) {
      ++current_line;
      std::string_view candidate = TrimNewline(*raw);
      if (heredoc.chomp) {
        while (!candidate.empty() && candidate[0] == '\t') {
          candidate.remove_prefix(1);
        }
      }
      if (candidate == heredoc.name) {
        terminated = true;
        break;
      }
      heredoc.content += *raw;
    }
    if (!terminated) return Fail("unterminated heredoc", ErrorKind::kInvalid);
    node.heredocs.push_back(std::move(heredoc));
  }
  return Ok();
}

}  // namespace

Result<ParseResult> Parse(std::string_view content, std::string_view filename) {
  const std::string file(filename);
  ParseResult result;
  ParserState state;
  state.result = &result;
  LineScanner scanner(content);
  std::vector<std::string> comments;
  int current_line = 0;
  bool is_directive = false;

  while (std::optional<std::string_view> raw = scanner.Next()) {
    std::string_view physical = *raw;
    if (current_line == 0 && physical.starts_with("\xEF\xBB\xBF")) {
      physical.remove_prefix(3);
    }
    if (IsComment(physical)) {
      std::string_view comment =
          base::TrimSpace(base::TrimLeftSpace(physical).substr(1));
      if (comment.empty()) {
        comments.clear();
      } else {
        comments.emplace_back(comment);
      }
    }
    auto processed = ProcessLine(state, physical, true, is_directive);
    if (is_directive && !comments.empty()) comments.pop_back();
    if (!processed) {
      return std::unexpected(At(file, current_line + 1, processed.error()));
    }
    ++current_line;
    const int start_line = current_line;
    std::string line(*processed);
    bool end_of_line = TrimContinuation(line, state.escape);
    if (end_of_line && line.empty()) continue;

    bool has_empty_continuation = false;
    while (!end_of_line) {
      std::optional<std::string_view> next = scanner.Next();
      if (!next) break;
      auto part = ProcessLine(state, *next, false, is_directive);
      if (!part) {
        return std::unexpected(At(file, current_line + 1, part.error()));
      }
      ++current_line;
      if (IsComment(*next)) continue;
      if (base::TrimLeftSpace(TrimNewline(*part)).empty()) {
        has_empty_continuation = true;
        continue;
      }
      std::string piece(*part);
      end_of_line = TrimContinuation(piece, state.escape);
      line += piece;
    }
    if (has_empty_continuation) {
      result.warnings.push_back(
          {"Empty continuation line found in: " + line, current_line});
    }

    auto node = NodeFromLine(line, state.escape);
    if (!node) return std::unexpected(At(file, start_line, node.error()));
    if (CanContainHeredoc(*node) && line.find("<<") != std::string::npos) {
      Status read = ReadHeredocs(scanner, *node, current_line);
      if (!read) return std::unexpected(At(file, start_line, read.error()));
    }
    node->start_line = start_line;
    node->end_line = current_line;
    node->comments = std::move(comments);
    comments.clear();
    result.nodes.push_back(std::move(*node));
  }
  if (scanner.too_long()) {
    return std::unexpected(
        At(file, current_line + 1,
           Error("dockerfile line greater than max allowed size of " +
                     std::to_string(kMaxLineSize),
                 ErrorKind::kInvalid)));
  }
  if (result.nodes.empty()) {
    return Fail(file + ": file with no instructions", ErrorKind::kInvalid);
  }
  return result;
}

std::string ChompHeredocContent(std::string_view content) {
  std::string out;
  bool line_start = true;
  for (char c : content) {
    if (line_start && c == '\t') continue;
    line_start = c == '\n';
    out.push_back(c);
  }
  return out;
}

}  // namespace zlayer::dockerfile
