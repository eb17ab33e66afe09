// Registry credentials in Docker's config.json format, as read and written
// by `docker login`, podman and skopeo:
//   {"auths": {"quay.io": {"auth": "<base64 user:pass>"},
//              "https://index.docker.io/v1/": {"identitytoken": "..."}},
//    "credHelpers": {"gcr.io": "gcloud"},   // docker-credential-gcloud
//    "credsStore": "pass"}                  // docker-credential-pass
// Lookup order for a registry: its credHelpers entry; else an auths entry
// holding credentials; else the credsStore helper. Helpers are spoken to
// over stdin/stdout only, so secrets never reach a command line.
#ifndef ZLAYER_REGISTRY_AUTH_FILE_H_
#define ZLAYER_REGISTRY_AUTH_FILE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "registry/credentials.h"
#include "zlayer/result.h"

namespace zlayer::registry {

// $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else
// ~/.docker/config.json ($HOME, or the passwd entry when HOME is unset).
std::string DefaultAuthFile();

class AuthFile final : public CredentialSource {
 public:
  // Reads `path`; a missing file is an empty configuration. Malformed JSON
  // or a wrongly typed section is an error naming the file.
  static Result<AuthFile> Load(std::string path);

  // `registry` is a host as references name it ("docker.io",
  // "127.0.0.1:5000"); keys written as URLs ("https://index.docker.io/v1/")
  // match too.
  Result<std::optional<Credentials>> Lookup(
      std::string_view registry) const override;

  // Stores credentials for `registry` and rewrites the file (0600, its
  // directory created 0700 when missing). With a helper configured for the
  // registry the secret goes to the helper and the file only records the
  // registry, as `docker login` does.
  Status Save(std::string registry, Credentials credentials);

  // Forgets `registry` (file entry and helper). kNotFound when nothing was
  // stored for it.
  Status Erase(std::string registry);

  const std::string& path() const { return path_; }

 private:
  AuthFile(std::string path, nlohmann::ordered_json json)
      : path_(std::move(path)), json_(std::move(json)) {}

  // The helper name ("pass") serving `registry`, if any.
  std::optional<std::string> HelperFor(std::string_view registry) const;
  Status Write() const;

  std::string path_;
  nlohmann::ordered_json json_;
};

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_AUTH_FILE_H_
