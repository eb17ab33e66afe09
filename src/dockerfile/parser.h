// The Dockerfile parser: text to the raw parse tree (node.h), with BuildKit's
// rules for directives, line continuations, comments, heredocs and JSON
// forms. It does not validate instructions or flags; instructions.h does.
#ifndef ZLAYER_DOCKERFILE_PARSER_H_
#define ZLAYER_DOCKERFILE_PARSER_H_

#include <string>
#include <string_view>

#include "dockerfile/node.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

// Errors read `<filename>:<line>: <problem>`.
Result<ParseResult> Parse(std::string_view content,
                          std::string_view filename = "Dockerfile");

// BuildKit's dump format: one S-expression per instruction, e.g.
//   (copy ["--from=build"] "/out" "/app")
std::string Dump(const ParseResult& result);
std::string DumpNode(const Node& node);

// Removes leading tabs from every line (`<<-EOF` heredocs).
std::string ChompHeredocContent(std::string_view content);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_PARSER_H_
