// Runtime mode (section 3.1, Do): the ZImagefile's own keys on top of the
// template's Dockerfile.
#include <algorithm>

#include "dockerfile/parser.h"
#include "zimage/convert.h"
#include "zimage/convert_internal.h"
#include "zimage/words.h"

namespace zlayer::zimage {

Result<std::string> ApplyRuntimeSettings(std::string_view template_dockerfile,
                                         const ZImage& image) {
  ZL_ASSIGN_OR_RETURN(
      dockerfile::ParseResult parsed,
      WithContext(dockerfile::Parse(template_dockerfile, "template"),
                  "runtime template"));
  std::vector<KeyValue> args = image.args;
  std::stable_sort(
      args.begin(), args.end(),
      [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
  std::string globals;
  std::string redeclared;
  for (const KeyValue& kv : args) {
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on
    // `"=" + std::string` chains.
    globals += "ARG ";
    globals += kv.key;
    if (!kv.value.empty()) {
      globals += '=';
      globals += internal::QuoteWord(kv.value);
    }
    globals += '\n';
    redeclared += "ARG ";
    redeclared += kv.key;
    redeclared += '\n';
  }
  // Insertion points by line: globals before the first FROM, the
  // re-declarations after every FROM.
  int first_from = 0;
  std::vector<int> after;
  for (const dockerfile::Node& node : parsed.nodes) {
    if (node.Name() != "from") continue;
    if (first_from == 0) first_from = node.start_line;
    after.push_back(node.end_line);
  }
  if (first_from == 0) {
    return Fail("runtime template has no FROM instruction",
                ErrorKind::kInvalid);
  }
  std::string out;
  int line = 1;
  size_t pos = 0;
  while (pos < template_dockerfile.size()) {
    size_t end = template_dockerfile.find('\n', pos);
    if (end == std::string_view::npos) end = template_dockerfile.size();
    if (line == first_from) out += globals;
    out += template_dockerfile.substr(pos, end - pos);
    out += '\n';
    if (std::find(after.begin(), after.end(), line) != after.end()) {
      out += redeclared;
    }
    pos = end + 1;
    ++line;
  }
  ZL_ASSIGN_OR_RETURN(std::string config,
                      internal::RenderConfig(image, image.meta, true));
  return out + config;
}

}  // namespace zlayer::zimage
