// `zlayer push IMAGE [DEST]`: an image of the store to a registry, with its
// stored bytes (so the pushed manifest has the local digest). Prints the
// manifest digest on stdout (with --progress json: a final "push_complete"
// event line holding it).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "cli/registry_access.h"
#include "cli/store_access.h"
#include "oci/media_types.h"
#include "progress/renderer.h"
#include "registry/push.h"

namespace zlayer::cli {
namespace {

struct PushFlags {
  std::string image;
  std::string dest;
  std::string compression;
  std::string progress = "auto";
  RegistryFlags registry;
};

// Layers are compressed once, when they are made, and pushed as stored.
// Asking for another compression than the stored one would need a second
// copy of every layer, which push does not make.
Status CheckCompression(const store::ImageRecord& image,
                        const std::string& wanted) {
  if (wanted.empty()) return Ok();
  ZL_ASSIGN_OR_RETURN(oci::Compression compression,
                      oci::ParseCompression(wanted));
  for (const store::LayerRecord& layer : image.layers) {
    auto stored = oci::ParseLayerMediaType(layer.media_type);
    if (!stored || stored->compression != compression) {
      return Fail("--compression " + wanted + ": layer " +
                      layer.digest.ToString() + " is stored as " +
                      layer.media_type +
                      "; recompressing on push is not supported (build with "
                      "--compression " +
                      wanted + ")",
                  ErrorKind::kUnsupported);
    }
  }
  return Ok();
}

Status Push(const GlobalOptions& global, const PushFlags& flags) {
  ZL_ASSIGN_OR_RETURN(RegistryAccess access,
                      RegistryAccess::Open(flags.registry));
  registry::PushOptions options;
  options.client = access.client();
  options.default_registry = access.default_registry();
  ZL_ASSIGN_OR_RETURN(progress::Mode mode, progress::ParseMode(flags.progress));
  int fd = mode == progress::Mode::kJson ? STDOUT_FILENO : STDERR_FILENO;
  mode = progress::ResolveMode(mode, fd);
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(store::ImageRecord image, store.GetImage(flags.image));
  ZL_RETURN_IF_ERROR(CheckCompression(image, flags.compression));
  std::string dest = flags.dest.empty() ? flags.image : flags.dest;
  Result<registry::PushResult> pushed = Fail("not pushed");
  {
    std::unique_ptr<progress::EventSink> renderer =
        progress::MakeRenderer(mode, fd);
    options.events = renderer.get();
    pushed = registry::Push(store, image.id.ToString(), dest, options);
  }
  if (!pushed) return std::unexpected(std::move(pushed).error());
  if (mode == progress::Mode::kJson) {
    // The last line of the event stream carries the result.
    nlohmann::json done = {{"type", "push_complete"},
                           {"ref", dest},
                           {"manifest_digest", pushed->manifest_digest},
                           {"blobs_skipped", pushed->blobs_skipped},
                           {"blobs_mounted", pushed->blobs_mounted},
                           {"bytes_uploaded", pushed->bytes_uploaded}};
    std::printf("%s\n", done.dump().c_str());
  } else {
    std::fprintf(stderr,
                 "Pushed %s: %d blobs already there, %d mounted, %llu bytes "
                 "uploaded\n",
                 dest.c_str(), pushed->blobs_skipped, pushed->blobs_mounted,
                 static_cast<unsigned long long>(pushed->bytes_uploaded));
    std::printf("%s\n", pushed->manifest_digest.c_str());
  }
  return Ok();
}

}  // namespace

void RegisterPushCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "push", "Upload an image to a registry; prints the manifest digest");
  auto flags = std::make_shared<PushFlags>();
  cmd->add_option("IMAGE", flags->image, "Image name or id")->required();
  cmd->add_option("DEST", flags->dest,
                  "Destination reference (default: IMAGE's name)");
  cmd->add_option("--compression", flags->compression,
                  "gzip, zstd or none: must match the stored layers");
  cmd->add_option("--progress", flags->progress, "auto, tty, plain or json");
  AddRegistryFlags(cmd, flags->registry, /*with_default_registry=*/true);
  cmd->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Push(invocation.global, *flags);
    };
  });
}

}  // namespace zlayer::cli
