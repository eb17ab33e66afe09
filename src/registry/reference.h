// Image references as users type them ("alpine", "quay.io/org/app:1.2",
// "127.0.0.1:5000/busybox@sha256:..."), parsed and normalised exactly as
// Docker's distribution/reference does (ParseNormalizedNamed followed by
// TagNameOnly), so that a name means the same image here as in `docker pull`.
#ifndef ZLAYER_REGISTRY_REFERENCE_H_
#define ZLAYER_REGISTRY_REFERENCE_H_

#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::registry {

struct Reference {
  std::string registry;    // "docker.io", "127.0.0.1:5000", "[::1]:5000"
  std::string repository;  // "library/alpine"
  std::string tag;         // "latest"; empty only when a digest is given
  std::string digest;      // "sha256:<64 hex>" or empty

  // "docker.io/library/alpine:latest", with "@digest" when there is one.
  std::string String() const;
  // registry + "/" + repository, without tag or digest.
  std::string Name() const;
  // Docker's familiar form: docker.io and the "library/" of official images
  // dropped ("alpine:latest"); other registries kept
  // ("127.0.0.1:5000/busybox:latest").
  std::string Familiar() const;
  // The host the distribution API is served on: docker.io is a name for
  // users, its API lives at registry-1.docker.io.
  std::string ApiHost() const;
  // localhost, 127.0.0.0/8 or ::1, with any port. Such registries may be
  // spoken to over plain HTTP, as Docker allows.
  bool IsLoopback() const;

  bool operator==(const Reference&) const = default;
};

// Parses `text` like Docker. A first path component holding a '.', a ':',
// an uppercase letter, or equal to "localhost" names the registry;
// otherwise the registry is `default_registry`. Only on docker.io is a
// single-component name put under "library/" ("alpine" ->
// "docker.io/library/alpine"); with another default registry a short name
// is used as is ("alpine" -> "HOST/alpine"), which is what podman and
// buildah do when they resolve a short name against a search registry.
// "index.docker.io" is normalised to "docker.io". Without tag and digest
// the tag is "latest"; with a digest and no tag the tag stays empty.
// Errors name the text: `invalid reference "Alpine": repository name
// "Alpine" must be lowercase`.
Result<Reference> ParseReference(
    std::string_view text, std::string_view default_registry = "docker.io");

// Whether `registry` ("localhost:5000", "127.0.0.1", "[::1]:5000") is a
// loopback host.
bool IsLoopbackRegistry(std::string_view registry);

// A registry name as found in an auth file key or typed at `zlayer login`
// ("https://index.docker.io/v1/", "registry-1.docker.io", "quay.io/") in
// the form references use ("docker.io", "quay.io"): scheme and path
// dropped, Docker Hub's aliases folded into docker.io.
std::string NormalizeRegistryHost(std::string_view host);

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_REFERENCE_H_
