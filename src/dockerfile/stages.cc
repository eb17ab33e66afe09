#include "dockerfile/stages.h"

#include <charconv>
#include <set>
#include <utility>

#include "dockerfile/instructions_parse.h"
#include "dockerfile/instructions_request.h"
#include "dockerfile/parser.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

// dockerfile2llb's validateStageNames, reported as warnings.
void LintStageNames(const std::vector<Stage>& stages,
                    std::vector<Warning>& warnings) {
  std::set<std::string> seen;
  for (const Stage& stage : stages) {
    if (stage.name.empty()) continue;
    int line = stage.location.start_line;
    if (stage.name == "context" || stage.name == "scratch") {
      warnings.push_back(
          {"ReservedStageName: Stage name should not use the "
           "same name as reserved stage " +
               text::GoQuote(stage.name),
           line});
    }
    if (!seen.insert(stage.name).second) {
      warnings.push_back({"DuplicateStageName: Duplicate stage name " +
                              text::GoQuote(stage.name) +
                              ", stage names should be unique",
                          line});
    }
  }
}

std::unexpected<Error> FailAt(std::string_view filename, const Node& node,
                              std::string message) {
  return Fail(std::string(filename) + ":" + std::to_string(node.start_line) +
                  ": " + std::move(message),
              ErrorKind::kInvalid);
}

// Files the instruction under the meta ARGs or the current stage.
Status Place(Instruction instruction, const Node& node,
             std::string_view filename, Dockerfile& out) {
  if (auto* from = std::get_if<FromCommand>(&instruction)) {
    Stage stage;
    static_cast<FromCommand&>(stage) = std::move(*from);
    stage.index = static_cast<int>(out.stages.size());
    out.stages.push_back(std::move(stage));
    return Ok();
  }
  Command& command = std::get<Command>(instruction);
  if (out.stages.empty()) {
    if (auto* arg = std::get_if<ArgCommand>(&command)) {
      out.meta_args.push_back(std::move(*arg));
      return Ok();
    }
    return FailAt(
        filename, node,
        AsciiUpper(node.keyword) + ": no build stage in current context");
  }
  out.stages.back().commands.push_back(std::move(command));
  return Ok();
}

}  // namespace

const Stage* Dockerfile::FindStage(std::string_view name) const {
  std::string lower = text::ToLower(name);
  for (const Stage& stage : stages) {
    if (!stage.name.empty() && stage.name == lower) return &stage;
  }
  int index = -1;
  auto [end, ec] =
      std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec != std::errc() || end != name.data() + name.size() || index < 0 ||
      index >= static_cast<int>(stages.size())) {
    return nullptr;
  }
  return &stages[index];
}

Result<Dockerfile> BuildDockerfile(const ParseResult& parsed,
                                   std::string_view filename) {
  Dockerfile out;
  out.filename = std::string(filename);
  out.escape_token = parsed.escape_token;
  out.syntax = parsed.syntax;
  out.check = parsed.check;
  out.warnings = parsed.warnings;
  for (const Node& node : parsed.nodes) {
    ZL_ASSIGN_OR_RETURN(Instruction instruction,
                        ParseInstruction(node, filename, &out.warnings));
    ZL_RETURN_IF_ERROR(Place(std::move(instruction), node, filename, out));
  }
  if (out.stages.empty()) {
    return Fail(
        std::string(filename) + ": dockerfile contains no stages to build",
        ErrorKind::kInvalid);
  }
  LintStageNames(out.stages, out.warnings);
  return out;
}

Result<Dockerfile> ParseDockerfile(std::string_view content,
                                   std::string_view filename) {
  ZL_ASSIGN_OR_RETURN(ParseResult parsed, Parse(content, filename));
  return BuildDockerfile(parsed, filename);
}

}  // namespace zlayer::dockerfile
