#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cli/store_access.h"
#include "imageio/import.h"

namespace zlayer::cli {

void RegisterImportCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Read an OCI layout, OCI or docker archive, or a root filesystem "
      "tarball into the store; prints the image id");
  auto path = std::make_shared<std::string>();
  auto tag = std::make_shared<std::string>();
  cmd->add_option("PATH", *path, "Layout directory or archive")->required();
  cmd->add_option("-t,--tag", *tag, "Name the image NAME[:TAG]");
  cmd->callback([&invocation, path, tag] {
    invocation.run = [&invocation, path, tag]() -> Status {
      ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(invocation.global));
      ZL_ASSIGN_OR_RETURN(store::ImageRecord image,
                          imageio::ImportImage(store, *path, {.name = *tag}));
      std::printf("%s\n", image.id.ToString().c_str());
      return Ok();
    };
  });
}

}  // namespace zlayer::cli
