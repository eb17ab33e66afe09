#include <string>

#include "cli/command.h"
#include "cli/store_access.h"

namespace zlayer::cli {

void RegisterTagCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand("tag", "Add a name to an image");
  auto source = std::make_shared<std::string>();
  auto target = std::make_shared<std::string>();
  cmd->add_option("SRC", *source, "Image name or id")->required();
  cmd->add_option("DST", *target, "New NAME[:TAG]")->required();
  cmd->callback([&invocation, source, target] {
    invocation.run = [&invocation, source, target]() -> Status {
      ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(invocation.global));
      return store.Tag(*source, *target);
    };
  });
}

}  // namespace zlayer::cli
