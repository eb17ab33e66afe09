// Per-instruction argument parsers: how the text after the keyword and its
// flags becomes the node's argument list (BuildKit's line_parsers.go).
#ifndef ZLAYER_DOCKERFILE_LINE_PARSERS_H_
#define ZLAYER_DOCKERFILE_LINE_PARSERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "dockerfile/node.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

// Splits on unquoted whitespace, keeping quotes and escapes in the words.
std::vector<std::string> ParseWords(std::string_view rest, char32_t escape);

// Splits the flags (`--name=value` words before the arguments, up to an
// optional `--`) from the rest of the line.
struct SplitFlags {
  std::string rest;
  std::vector<std::string> flags;
};
SplitFlags ExtractBuilderFlags(std::string_view line, char32_t escape);

// Fills node.args / node.sub / node.json from `rest` according to the
// instruction `name` (lower-case). Unknown instructions get one empty
// argument, as BuildKit's parser does; the instruction layer rejects them.
// `parse_line` parses the line of an ONBUILD trigger.
using LineParser = Result<Node> (*)(std::string_view line, char32_t escape);
Status ParseArguments(std::string_view name, std::string_view rest,
                      char32_t escape, LineParser parse_line, Node& node);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_LINE_PARSERS_H_
