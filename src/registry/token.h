// Registry authentication pieces below the Client: parsing WWW-Authenticate
// challenges (RFC 7235), fetching bearer tokens from a token endpoint as the
// Docker token spec describes (GET with basic auth, or the OAuth2 POST form
// with a refresh token), and a cache of tokens by scope.
#ifndef ZLAYER_REGISTRY_TOKEN_H_
#define ZLAYER_REGISTRY_TOKEN_H_

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/credentials.h"
#include "registry/http.h"
#include "zlayer/result.h"

namespace zlayer::registry {

struct Challenge {
  std::string scheme;                         // lowercased: "basic", "bearer"
  std::map<std::string, std::string> params;  // names lowercased
};

// Every challenge in one WWW-Authenticate value; malformed tails are
// dropped rather than failing the request.
std::vector<Challenge> ParseChallenges(std::string_view header);

struct BearerToken {
  std::string token;
  std::chrono::steady_clock::time_point expires;
};

// Asks the token endpoint `realm` for `scopes`. `host` names the registry in
// errors. Credentials go to the endpoint only, never into messages.
Result<BearerToken> FetchToken(HttpTransport& transport, std::string_view host,
                               const Challenge& challenge,
                               const std::vector<std::string>& scopes,
                               const std::optional<Credentials>& credentials,
                               bool verify_tls, std::string_view user_agent);

// Tokens by key (realm, service and scopes), until shortly before expiry.
class TokenCache {
 public:
  std::optional<std::string> Get(const std::string& key) const;
  void Put(const std::string& key, const BearerToken& token);
  void Drop(const std::string& key);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, BearerToken> tokens_;
};

// "Basic <base64(user:password)>".
std::string BasicAuthorization(const Credentials& credentials);
std::string Base64Encode(std::string_view data);
// application/x-www-form-urlencoded / query escaping.
std::string UrlEscape(std::string_view text);

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_TOKEN_H_
