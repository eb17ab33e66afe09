// Test helpers for registry code: a real distribution registry
// (Debian's docker-registry) on 127.0.0.1, a tiny scripted HTTP server for
// behaviour a real registry will not show (503s, corrupt blobs), and a
// bearer token endpoint whose ES256 JWTs the real registry accepts.
// Everything stops and cleans up in its destructor.
#ifndef ZLAYER_REGISTRY_TESTING_REGISTRY_SERVER_H_
#define ZLAYER_REGISTRY_TESTING_REGISTRY_SERVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "zlayer/result.h"

namespace zlayer::registry::testing {

struct FakeRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using FakeHandler = std::function<FakeResponse(const FakeRequest&)>;

// HTTP/1.1, one connection at a time, "Connection: close". A connection
// that opens with a TLS handshake is closed at once.
class FakeHttpServer {
 public:
  // `address`: an IPv4 address of this machine to listen on.
  static Result<std::unique_ptr<FakeHttpServer>> Start(
      FakeHandler handler, const std::string& address = "127.0.0.1");
  ~FakeHttpServer();

  std::string host() const { return address_ + ":" + std::to_string(port_); }
  int requests() const { return requests_.load(); }

 private:
  FakeHttpServer() = default;
  void Serve();
  void HandleConnection(int fd);

  FakeHandler handler_;
  std::string address_;
  base::UniqueFd listener_;
  base::UniqueFd wake_read_;
  base::UniqueFd wake_write_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// An EC P-256 key and a self-signed certificate for it, written to
// `cert_path()` for a registry's auth.token.rootcertbundle.
class TokenIssuer {
 public:
  static Result<std::unique_ptr<TokenIssuer>> Create(const std::string& dir,
                                                     std::string issuer);
  ~TokenIssuer();

  const std::string& cert_path() const { return cert_path_; }
  const std::string& issuer() const { return issuer_; }
  // An ES256 JWT (x5c header) granting `scopes` ("repository:NAME:ACTIONS")
  // to `subject` for `audience` (the registry's service name).
  Result<std::string> Sign(const std::string& subject,
                           const std::string& audience,
                           const std::vector<std::string>& scopes,
                           std::chrono::seconds ttl) const;

 private:
  TokenIssuer() = default;
  void* key_ = nullptr;  // EVP_PKEY
  std::string cert_der_;
  std::string cert_path_;
  std::string issuer_;
};

// A token endpoint at http://HOST/token: checks basic credentials when
// `username` is set (anonymous requests get tokens only when it is empty)
// and grants every requested scope.
class TokenEndpoint {
 public:
  static Result<std::unique_ptr<TokenEndpoint>> Start(const std::string& dir,
                                                      std::string service,
                                                      std::string username = "",
                                                      std::string password = "",
                                                      int expires_in = 300);

  std::string realm() const { return "http://" + server_->host() + "/token"; }
  const std::string& service() const { return service_; }
  const TokenIssuer& issuer() const { return *issuer_; }
  int token_requests() const { return server_->requests(); }

 private:
  TokenEndpoint() = default;
  std::unique_ptr<TokenIssuer> issuer_;
  std::unique_ptr<FakeHttpServer> server_;
  std::string service_;
  std::string username_;
  std::string password_;
  int expires_in_ = 300;
};

// Debian's docker-registry on 127.0.0.1:<free port>, storage in a temp dir.
class RegistryServer {
 public:
  static Result<std::unique_ptr<RegistryServer>> StartOpen();
  // Basic auth against an htpasswd file made by `htpasswd -Bbn`.
  static Result<std::unique_ptr<RegistryServer>> StartHtpasswd(
      const std::string& username, const std::string& password);
  // Bearer auth with tokens from `endpoint`.
  static Result<std::unique_ptr<RegistryServer>> StartToken(
      const TokenEndpoint& endpoint);
  ~RegistryServer();

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& storage_dir() const { return storage_; }

 private:
  RegistryServer() = default;
  static Result<std::unique_ptr<RegistryServer>> Launch(std::string auth_yaml,
                                                        base::TempDir dir);

  base::TempDir dir_;
  std::string storage_;
  int port_ = 0;
  base::ChildProcess child_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
Result<int> FreePort();

}  // namespace zlayer::registry::testing

#endif  // ZLAYER_REGISTRY_TESTING_REGISTRY_SERVER_H_
