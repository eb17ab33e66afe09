#include <string>

#include "cli/command.h"
#include "cli/store_access.h"
#include "imageio/export.h"

namespace zlayer::cli {
namespace {

Status Export(const GlobalOptions& global, const std::string& ref,
              const std::string& format_name, const std::string& output) {
  ZL_ASSIGN_OR_RETURN(imageio::ExportFormat format,
                      imageio::ParseExportFormat(format_name));
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  return WithContext(imageio::ExportImage(store, ref, format, output),
                     "export " + ref + " to " + output);
}

}  // namespace

void RegisterExportCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write an image as an OCI layout, OCI archive or docker "
      "archive");
  auto ref = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  cmd->add_option("IMAGE", *ref, "Image name or id")->required();
  cmd->add_option("--format", *format, "oci, oci-archive or docker-archive")
      ->required()
      ->check(CLI::IsMember({"oci", "oci-archive", "docker-archive"}));
  cmd->add_option("-o,--output", *output, "Destination directory or file")
      ->required();
  cmd->callback([&invocation, ref, format, output] {
    invocation.run = [&invocation, ref, format, output] {
      return Export(invocation.global, *ref, *format, *output);
    };
  });
}

}  // namespace zlayer::cli
