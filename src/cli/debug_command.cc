#include <cstdio>
#include <string>

#include "base/file_io.h"
#include "cli/command.h"
#include "dockerfile/parser.h"
#include "dockerfile/stages.h"

namespace zlayer::cli {
namespace {

void PrintWarnings(const std::string& path,
                   const std::vector<dockerfile::Warning>& warnings) {
  for (const dockerfile::Warning& warning : warnings) {
    std::fprintf(stderr, "warning: %s:%d: %s\n", path.c_str(), warning.line,
                 warning.message.c_str());
  }
}

// Prints the raw parse tree; with `check`, also validates every instruction
// and its flags the way a build would, before printing anything.
Status DebugParse(const std::string& path, bool check) {
  ZL_ASSIGN_OR_RETURN(std::string content, base::ReadFile(path));
  ZL_ASSIGN_OR_RETURN(dockerfile::ParseResult parsed,
                      dockerfile::Parse(content, path));
  if (check) {
    ZL_ASSIGN_OR_RETURN(dockerfile::Dockerfile file,
                        dockerfile::BuildDockerfile(parsed, path));
    PrintWarnings(path, file.warnings);
  } else {
    PrintWarnings(path, parsed.warnings);
  }
  std::fputs(dockerfile::Dump(parsed).c_str(), stdout);
  return Ok();
}

}  // namespace

void RegisterDebugCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* debug = app.add_subcommand("debug", "Diagnostics");
  debug->require_subcommand(1);
  CLI::App* parse = debug->add_subcommand(
      "parse",
      "Print how a Dockerfile is parsed, in BuildKit's dump format "
      "(one S-expression per instruction)");
  auto file = std::make_shared<std::string>();
  auto check = std::make_shared<bool>(false);
  parse->add_option("FILE", *file, "The Dockerfile")->required();
  parse->add_flag("--check", *check,
                  "Also validate instructions and flags as a build would");
  parse->callback([&invocation, file, check] {
    invocation.run = [file, check] { return DebugParse(*file, *check); };
  });
}

}  // namespace zlayer::cli
