#include <cstdio>

#include "cli/command.h"

namespace zlayer::cli {

void RegisterVersionCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand("version", "Print the zlayer version");
  cmd->callback([&invocation] {
    invocation.run = [] {
      std::printf("zlayer %s\n", ZLAYER_VERSION);
      return Ok();
    };
  });
}

}  // namespace zlayer::cli
