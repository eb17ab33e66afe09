#include "base/utf8.h"
#include "dockerfile/parser.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {

std::string Node::Name() const { return text::ToLower(keyword); }

std::string DumpNode(const Node& node) {
  std::string out = text::ToLower(node.keyword);
  if (!node.flags.empty()) {
    out += " [";
    for (size_t i = 0; i < node.flags.size(); ++i) {
      if (i > 0) out += ' ';
      out += text::GoQuote(node.flags[i]);
    }
    out += ']';
  }
  for (const std::string& arg : node.args) {
    out += ' ';
    out += text::GoQuote(arg);
  }
  for (const Node& sub : node.sub) {
    out += " (";
    out += DumpNode(sub);
    out += ')';
  }
  return std::string(base::TrimSpace(out));
}

std::string Dump(const ParseResult& result) {
  std::string out;
  for (const Node& node : result.nodes) {
    out += '(';
    out += DumpNode(node);
    out += ")\n";
  }
  return out;
}

}  // namespace zlayer::dockerfile
