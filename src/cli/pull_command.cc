// `zlayer pull REF`: an image from a registry into the local store. Prints
// the image id on stdout; transfers are shown on stderr (or, with
// --progress json, as JSON events on stdout ending with a "pull_complete"
// line holding the image id and manifest digest).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "cli/registry_access.h"
#include "cli/store_access.h"
#include "oci/platform.h"
#include "progress/renderer.h"
#include "registry/pull.h"

namespace zlayer::cli {
namespace {

struct PullFlags {
  std::string ref;
  std::string platform;
  std::string progress = "auto";
  RegistryFlags registry;
};

Status Pull(const GlobalOptions& global, const PullFlags& flags) {
  ZL_ASSIGN_OR_RETURN(RegistryAccess access,
                      RegistryAccess::Open(flags.registry));
  registry::PullOptions options;
  options.client = access.client();
  options.default_registry = access.default_registry();
  if (!flags.platform.empty()) {
    ZL_ASSIGN_OR_RETURN(
        options.platform,
        WithContext(oci::ParsePlatform(flags.platform), "--platform"));
  }
  ZL_ASSIGN_OR_RETURN(progress::Mode mode, progress::ParseMode(flags.progress));
  int fd = mode == progress::Mode::kJson ? STDOUT_FILENO : STDERR_FILENO;
  mode = progress::ResolveMode(mode, fd);
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  Result<store::ImageRecord> image = Fail("not pulled");
  {
    std::unique_ptr<progress::EventSink> renderer =
        progress::MakeRenderer(mode, fd);
    options.events = renderer.get();
    image = registry::Pull(store, flags.ref, options);
  }
  if (!image) return std::unexpected(std::move(image).error());
  if (mode == progress::Mode::kJson) {
    // The last line of the event stream carries the result.
    nlohmann::json done = {{"type", "pull_complete"},
                           {"ref", flags.ref},
                           {"image_id", image->id.ToString()},
                           {"manifest_digest", image->manifest_digest.ToString()}};
    std::printf("%s\n", done.dump().c_str());
    return Ok();
  }
  std::fprintf(stderr, "Pulled %s (manifest %s)\n", flags.ref.c_str(),
               image->manifest_digest.ToString().c_str());
  std::printf("%s\n", image->id.ToString().c_str());
  return Ok();
}

}  // namespace

void RegisterPullCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "pull", "Fetch an image from a registry into the store");
  auto flags = std::make_shared<PullFlags>();
  cmd->add_option("REF", flags->ref, "Image reference (alpine, host/repo:tag)")
      ->required();
  cmd->add_option("--platform", flags->platform,
                  "OS/ARCH[/VARIANT] to pick from a multi-platform image "
                  "(default: this machine's)");
  cmd->add_option("--progress", flags->progress, "auto, tty, plain or json");
  AddRegistryFlags(cmd, flags->registry, /*with_default_registry=*/true);
  cmd->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Pull(invocation.global, *flags);
    };
  });
}

}  // namespace zlayer::cli
