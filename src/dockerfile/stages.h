// A whole Dockerfile as typed instructions: the global ARGs before the first
// FROM, then the stages in file order (BuildKit's instructions.Parse).
#ifndef ZLAYER_DOCKERFILE_STAGES_H_
#define ZLAYER_DOCKERFILE_STAGES_H_

#include <string>
#include <string_view>
#include <vector>

#include "dockerfile/instructions.h"
#include "dockerfile/node.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

// A FROM line and the commands up to the next one. `name` is lower-cased,
// so lookups are case-insensitive as in Docker.
struct Stage : FromCommand {
  int index = 0;  // 0-based, in file order
  std::vector<Command> commands;
};

struct Dockerfile {
  std::string filename;
  char escape_token = '\\';
  std::string syntax;                 // `# syntax=`, recorded only
  std::string check;                  // `# check=`, for the linter
  std::vector<ArgCommand> meta_args;  // ARGs before the first FROM
  std::vector<Stage> stages;          // never empty
  // The parser's warnings, then lint findings ("<Rule>: <message>").
  std::vector<Warning> warnings;

  // The stage called `name` (any case), or else the stage whose index is
  // the decimal number `name`; null when there is none.
  const Stage* FindStage(std::string_view name) const;
};

// Types every node. Errors carry `<filename>:<line>:` like the parser's.
Result<Dockerfile> BuildDockerfile(const ParseResult& parsed,
                                   std::string_view filename = "Dockerfile");

// Parse() followed by BuildDockerfile().
Result<Dockerfile> ParseDockerfile(std::string_view content,
                                   std::string_view filename = "Dockerfile");

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_STAGES_H_
