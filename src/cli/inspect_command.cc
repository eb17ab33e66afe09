#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cli/store_access.h"
#include "imageio/image_json.h"

namespace zlayer::cli {
namespace {

Status Inspect(const GlobalOptions& global, const std::string& ref) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(store::ImageRecord image, store.GetImage(ref));
  ZL_ASSIGN_OR_RETURN(std::string json, imageio::InspectJson(store, image));
  std::printf("%s\n", json.c_str());
  return Ok();
}

}  // namespace

void RegisterInspectCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "inspect",
      "Print an image's manifest digest, config, layers and history "
      "as JSON");
  auto ref = std::make_shared<std::string>();
  cmd->add_option("IMAGE", *ref, "Image name or id")->required();
  cmd->callback([&invocation, ref] {
    invocation.run = [&invocation, ref] {
      return Inspect(invocation.global, *ref);
    };
  });
}

}  // namespace zlayer::cli
