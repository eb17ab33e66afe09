// Registry credentials as the HTTP client sees them: a lookup by registry
// host. auth_file.h implements it over Docker's config.json (auths,
// credHelpers, credsStore); tests use a fixed map.
#ifndef ZLAYER_REGISTRY_CREDENTIALS_H_
#define ZLAYER_REGISTRY_CREDENTIALS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::registry {

struct Credentials {
  std::string username;
  std::string password;
  // An OAuth2 refresh token (`identitytoken` in config.json): sent to the
  // token endpoint instead of basic auth.
  std::string identity_token;

  bool operator==(const Credentials&) const = default;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // Credentials for `registry` ("127.0.0.1:5000", "docker.io"); nullopt
  // for anonymous access. Errors: a broken auth file or helper.
  virtual Result<std::optional<Credentials>> Lookup(
      std::string_view registry) const = 0;
};

// A fixed map, for tests and for `--creds`-style callers.
class StaticCredentials final : public CredentialSource {
 public:
  StaticCredentials() = default;
  explicit StaticCredentials(std::map<std::string, Credentials> entries)
      : entries_(std::move(entries)) {}
  Result<std::optional<Credentials>> Lookup(
      std::string_view registry) const override {
    auto it = entries_.find(std::string(registry));
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, Credentials> entries_;
};

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_CREDENTIALS_H_
