// From parse-tree nodes to typed instructions (BuildKit's
// instructions.ParseInstruction). Checks argument counts, flags, stage names,
// mount specs and healthcheck options; expands nothing.
#ifndef ZLAYER_DOCKERFILE_INSTRUCTIONS_PARSE_H_
#define ZLAYER_DOCKERFILE_INSTRUCTIONS_PARSE_H_

#include <string_view>
#include <vector>

#include "dockerfile/instructions.h"
#include "dockerfile/node.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

// Errors (ErrorKind::kInvalid) read
//   Dockerfile:7: COPY: unknown flag: --fromm (did you mean from?)
//   Dockerfile:3: unknown instruction: RNU (did you mean RUN?)
// i.e. `<filename>:<start line>: <INSTRUCTION>: <BuildKit's message>`, where
// the `<INSTRUCTION>: ` part is left out when BuildKit's message already
// starts with the instruction's name ("ENV names can not be blank").
//
// Lint findings BuildKit reports while parsing (MaintainerDeprecated,
// StageNameCasing, FromAsCasing) are appended to `warnings` when given,
// as "<Rule>: <message>".
Result<Instruction> ParseInstruction(const Node& node,
                                     std::string_view filename = "Dockerfile",
                                     std::vector<Warning>* warnings = nullptr);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_INSTRUCTIONS_PARSE_H_
