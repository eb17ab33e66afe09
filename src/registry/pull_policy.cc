#include "registry/pull_policy.h"

#include "oci/image_config.h"
#include "oci/platform.h"
#include "registry/reference.h"

namespace zlayer::registry {
namespace {

oci::Platform Wanted(const oci::Platform& requested) {
  if (requested.architecture.empty()) return oci::HostPlatform();
  oci::Platform wanted = requested;
  if (wanted.os.empty()) wanted.os = "linux";
  return wanted;
}

Result<bool> IsFor(store::Store& store, const store::ImageRecord& image,
                   const oci::Platform& wanted) {
  ZL_ASSIGN_OR_RETURN(std::string text, store.blobs().Read(image.id));
  ZL_ASSIGN_OR_RETURN(oci::ImageConfig config, oci::ParseImageConfig(text));
  return config.os == wanted.os && config.architecture == wanted.architecture &&
         (config.variant.empty() || wanted.variant.empty() ||
          config.variant == wanted.variant);
}

// Whether the registry now serves another digest for the tag the local
// image was pulled as. A registry that cannot be asked is "unchanged", with
// `warning` saying so.
Result<bool> RegistryChanged(store::Store& store, const Reference& ref,
                             const std::string& name,
                             const PullOptions& options, std::string& warning) {
  ZL_ASSIGN_OR_RETURN(std::optional<store::ImageOrigin> origin,
                      store.GetImageOrigin(name));
  if (!origin) return false;  // built or imported here: nothing to compare
  ClientOptions client_options = options.client;
  // A registry that is down should not hold a build up for long: the local
  // copy is a fine answer.
  client_options.max_retries = 0;
  auto client = Client::Create(ref.ApiHost(), client_options);
  Result<std::optional<oci::Descriptor>> head =
      client ? (*client)->HeadManifest(ref.repository, ref.tag)
             : Result<std::optional<oci::Descriptor>>(
                   std::unexpected(client.error()));
  if (!head) {
    warning =
        "could not check " + ref.Familiar() +
        " for a newer image, using the local one: " + head.error().message();
    return false;
  }
  if (!head->has_value()) {
    warning =
        ref.Familiar() + " is no longer in its registry, using the local one";
    return false;
  }
  return (*head)->digest != origin->served_digest;
}

}  // namespace

Result<PullPolicy> ParsePullPolicy(std::string_view text) {
  if (text == "newer") return PullPolicy::kNewer;
  if (text == "always") return PullPolicy::kAlways;
  if (text == "never") return PullPolicy::kNever;
  return Fail("--pull=" + std::string(text) +
                  ": unknown policy (want newer, always or never)",
              ErrorKind::kUsage);
}

Result<EnsuredImage> EnsureImage(store::Store& store, std::string_view text,
                                 PullPolicy policy,
                                 const PullOptions& options) {
  ZL_ASSIGN_OR_RETURN(Reference ref,
                      ParseReference(text, options.default_registry));
  EnsuredImage result;
  result.name = ref.Familiar();
  auto local = store.GetImage(result.name);
  if (!local && local.error().kind() != ErrorKind::kNotFound) {
    return std::unexpected(std::move(local).error());
  }
  // Without an explicit platform any local image will do, as in Docker;
  // the build reports a mismatch itself.
  bool usable = local.has_value();
  if (local && !options.platform.architecture.empty()) {
    ZL_ASSIGN_OR_RETURN(usable, IsFor(store, *local, Wanted(options.platform)));
  }
  if (policy == PullPolicy::kNever) {
    if (!local) {
      return Fail("image " + result.name +
                      " is not in the local store and --pull=never forbids "
                      "pulling it",
                  ErrorKind::kNotFound);
    }
    result.image = std::move(*local);
    return result;
  }
  bool pull = policy == PullPolicy::kAlways || !usable;
  if (!pull && ref.digest.empty()) {
    ZL_ASSIGN_OR_RETURN(pull, RegistryChanged(store, ref, result.name, options,
                                              result.warning));
  }
  if (!pull) {
    result.image = std::move(*local);
    return result;
  }
  ZL_ASSIGN_OR_RETURN(result.image, Pull(store, ref.String(), options));
  result.pulled = true;
  return result;
}

}  // namespace zlayer::registry
