// `zlayer manifest create|add|inspect|rm|push`: multi-platform manifest
// lists (OCI image indexes or Docker manifest lists) assembled from local
// images, as podman's `manifest` commands do.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/registry_access.h"
#include "cli/store_access.h"
#include "oci/media_types.h"
#include "registry/client.h"
#include "registry/push_list.h"
#include "registry/reference.h"
#include "store/store.h"

namespace zlayer::cli {
namespace {

struct ManifestFlags {
  std::string list;
  std::vector<std::string> images;
  std::string format;  // "" (OCI for a new list), "oci" or "docker"
  bool amend = false;
  std::string dest;
  bool all = true;
  RegistryFlags registry;
};

void PrintReplaced(const store::ManifestListEditResult& result) {
  for (const std::string& line : result.replaced) {
    std::fprintf(stderr, "replaced %s\n", line.c_str());
  }
}

Status Edit(const GlobalOptions& global, const ManifestFlags& flags,
            store::ListEditMode mode) {
  std::optional<oci::Format> format;
  if (!flags.format.empty()) {
    ZL_ASSIGN_OR_RETURN(format, oci::ParseFormat(flags.format));
  }
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  if (mode == store::ListEditMode::kCreate) {
    // Only for the hint: the store refuses an existing list atomically.
    ZL_ASSIGN_OR_RETURN(auto existing, store.FindManifestList(flags.list));
    if (existing) {
      return Fail("manifest list " + existing->record.name +
                  " already exists; use --amend to add to it");
    }
  }
  ZL_ASSIGN_OR_RETURN(
      store::ManifestListEditResult result,
      store.EditManifestList({flags.list, flags.images, format, mode}));
  PrintReplaced(result);
  std::printf("%s\n", result.list.digest.ToString().c_str());
  return Ok();
}

// Pretty JSON with podman's four-space indentation, keys in the
// document's own order.
Status PrintPretty(std::string_view body, std::string_view what) {
  auto json = nlohmann::ordered_json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return Fail(std::string(what) + ": not valid JSON", ErrorKind::kInvalid);
  }
  std::printf("%s\n", json.dump(4).c_str());
  return Ok();
}

Status InspectRemote(const ManifestFlags& flags) {
  ZL_ASSIGN_OR_RETURN(RegistryAccess access,
                      RegistryAccess::Open(flags.registry));
  ZL_ASSIGN_OR_RETURN(
      registry::Reference ref,
      registry::ParseReference(flags.list, access.default_registry()));
  ZL_ASSIGN_OR_RETURN(std::unique_ptr<registry::Client> client,
                      registry::Client::Create(ref.ApiHost(), access.client()));
  const std::string& tag_or_digest = ref.digest.empty() ? ref.tag : ref.digest;
  auto manifest = client->GetManifest(ref.repository, tag_or_digest);
  if (!manifest) {
    return std::unexpected(manifest.error().AddContext(
        "no local manifest list " + flags.list + "; fetch " + ref.String()));
  }
  return PrintPretty(manifest->body, ref.Familiar());
}

Status Inspect(const GlobalOptions& global, const ManifestFlags& flags) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  // A digest reference cannot be a local list name: go to the registry.
  auto local = store.FindManifestList(flags.list);
  if (local && *local) {
    return PrintPretty((*local)->body,
                       "manifest list " + (*local)->record.name);
  }
  if (!local && local.error().kind() != ErrorKind::kInvalid) {
    return std::unexpected(local.error());
  }
  return InspectRemote(flags);
}

Status Remove(const GlobalOptions& global,
              const std::vector<std::string>& names) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  std::optional<Error> first_error;
  for (const std::string& name : names) {
    auto removed = store.RemoveManifestList(name);
    if (!removed) {
      if (!first_error) {
        first_error = removed.error();
      } else {
        std::fprintf(stderr, "error: %s\n", removed.error().message().c_str());
      }
      continue;
    }
    std::printf("Untagged: %s\nDeleted: %s\n", removed->name.c_str(),
                removed->digest.ToString().c_str());
  }
  // As rmi: never wait behind a writer; a later collection gets the body.
  ZL_RETURN_IF_ERROR(store.GarbageCollect({.wait = false}));
  if (first_error) return std::unexpected(*first_error);
  return Ok();
}

Status PushCommand(const GlobalOptions& global, const ManifestFlags& flags) {
  ZL_ASSIGN_OR_RETURN(RegistryAccess access,
                      RegistryAccess::Open(flags.registry));
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  registry::PushOptions options;
  options.client = access.client();
  options.default_registry = access.default_registry();
  ZL_ASSIGN_OR_RETURN(
      registry::PushListResult result,
      registry::PushList(store, flags.list, flags.dest, options, flags.all));
  for (const registry::PushResult& image : result.images) {
    std::fprintf(stderr, "pushed image %s\n", image.manifest_digest.c_str());
  }
  std::printf("%s\n", result.digest.c_str());
  return Ok();
}

}  // namespace

void RegisterManifestCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* manifest = app.add_subcommand(
      "manifest", "Multi-platform manifest lists (OCI indexes)");
  manifest->require_subcommand(1);
  auto flags = std::make_shared<ManifestFlags>();

  CLI::App* create = manifest->add_subcommand(
      "create", "Create a manifest list from local images; prints its digest");
  create->add_option("LIST", flags->list, "List name")->required();
  create->add_option("IMAGE", flags->images, "Images to add");
  create
      ->add_option("--format", flags->format,
                   "oci (image index, default) or docker (manifest list "
                   "of Docker-format images)")
      ->check(CLI::IsMember({"oci", "docker"}));
  create->add_flag("--amend", flags->amend,
                   "Add to the list if it exists instead of failing");
  create->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Edit(invocation.global, *flags,
                  flags->amend ? store::ListEditMode::kAmend
                               : store::ListEditMode::kCreate);
    };
  });

  CLI::App* add = manifest->add_subcommand(
      "add",
      "Add images to a manifest list, replacing entries for the same "
      "platform; prints the list's digest");
  add->add_option("LIST", flags->list, "List name")->required();
  add->add_option("IMAGE", flags->images, "Images to add")->required();
  add->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Edit(invocation.global, *flags, store::ListEditMode::kAdd);
    };
  });

  CLI::App* inspect = manifest->add_subcommand(
      "inspect",
      "Print a manifest list as JSON (a local list, else from the registry)");
  inspect->add_option("LIST", flags->list, "List name or image reference")
      ->required();
  AddRegistryFlags(inspect, flags->registry, true);
  inspect->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Inspect(invocation.global, *flags);
    };
  });

  CLI::App* rm = manifest->add_subcommand(
      "rm", "Remove manifest lists (not their images)");
  auto names = std::make_shared<std::vector<std::string>>();
  rm->add_option("LIST", *names, "List names")->required();
  rm->callback([&invocation, names] {
    invocation.run = [&invocation, names] {
      return Remove(invocation.global, *names);
    };
  });

  CLI::App* push = manifest->add_subcommand(
      "push", "Push a manifest list and its images; prints the list's digest");
  push->add_option("LIST", flags->list, "List name")->required();
  push->add_option("DEST", flags->dest, "Destination reference")->required();
  push->add_flag("--all", flags->all,
                 "Push the images too (default true; --all=false pushes "
                 "only the list)");
  AddRegistryFlags(push, flags->registry, true);
  push->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return PushCommand(invocation.global, *flags);
    };
  });
}

}  // namespace zlayer::cli
