#include "dockerfile/instructions_request.h"

#include "base/utf8.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

// BuildKit's nodeArgs: an ONBUILD node's trigger contributes its keyword and
// then its own arguments.
std::vector<std::string> NodeArgs(const Node& node) {
  std::vector<std::string> args = node.args;
  for (const Node& sub : node.sub) {
    args.push_back(sub.keyword);
    args.insert(args.end(), sub.args.begin(), sub.args.end());
  }
  return args;
}

}  // namespace

ParseRequest::ParseRequest(const Node& node)
    : keyword(node.keyword),
      args(NodeArgs(node)),
      heredocs(node.heredocs),
      json(node.json),
      flags(node.flags),
      original(node.original),
      location{node.start_line, node.end_line},
      comments(node.comments) {}

CommandBase ParseRequest::Base() const {
  return CommandBase{keyword, std::string(base::TrimSpace(original)), location,
                     comments};
}

std::unexpected<Error> Invalid(std::string message) {
  return Fail(std::move(message), ErrorKind::kInvalid);
}

std::unexpected<Error> ErrAtLeastOneArgument(std::string_view command) {
  return Invalid(std::string(command) + " requires at least one argument");
}

std::unexpected<Error> ErrExactlyOneArgument(std::string_view command) {
  return Invalid(std::string(command) + " requires exactly one argument");
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::vector<std::string> HandleJsonArgs(const std::vector<std::string>& args,
                                        bool json) {
  if (args.empty()) return {};
  if (json) return args;
  std::string joined;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) joined += ' ';
    joined += args[i];
  }
  return {joined};
}

std::string DocComment(const std::vector<std::string>& comments,
                       std::string_view name) {
  if (name.empty()) return "";
  std::string prefix = std::string(name) + " ";
  for (const std::string& line : comments) {
    if (line.starts_with(prefix)) return line.substr(prefix.size());
  }
  return "";
}

}  // namespace zlayer::dockerfile
