#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/store_access.h"

namespace zlayer::cli {
namespace {

// Removes every image named, reporting each as Docker does; the first
// failure is reported after the others have been tried, so one typo does
// not keep the rest.
Status RemoveImages(const GlobalOptions& global,
                    const std::vector<std::string>& refs, bool force) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  std::optional<Error> first_error;
  for (const std::string& ref : refs) {
    Result<store::Removal> removal = store.RemoveImage(ref, force);
    if (!removal) {
      if (!first_error)
        first_error = removal.error();
      else
        std::fprintf(stderr, "error: %s\n", removal.error().message().c_str());
      continue;
    }
    for (const std::string& name : removal->untagged) {
      std::printf("Untagged: %s\n", name.c_str());
    }
    if (removal->deleted) {
      std::printf("Deleted: %s\n", removal->deleted->ToString().c_str());
    }
  }
  // Never wait for a writer (a build can hold the lease for minutes); its
  // blobs stay until a later collection.
  ZL_RETURN_IF_ERROR(store.GarbageCollect({.wait = false}));
  if (first_error) return std::unexpected(*first_error);
  return Ok();
}

}  // namespace

void RegisterRmiCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "rmi", "Remove image names; unreferenced blobs are garbage-collected");
  auto refs = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  cmd->add_option("IMAGE", *refs, "Image names or ids")->required();
  cmd->add_flag("-f,--force", *force,
                "Remove an image by id even when it has several names");
  cmd->callback([&invocation, refs, force] {
    invocation.run = [&invocation, refs, force] {
      return RemoveImages(invocation.global, *refs, *force);
    };
  });
}

}  // namespace zlayer::cli
