// A client for one registry host speaking the OCI distribution spec
// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md):
// manifests and blobs by digest, uploads, cross-repository mounts and tag
// lists. It authenticates as registries ask (WWW-Authenticate: Basic, or
// Bearer tokens from the token endpoint, cached per scope), retries 5xx,
// 429, 408 and dropped connections with exponential backoff and jitter, and
// verifies every manifest and blob against its digest.
//
// Thread-safe: pull and push code may run several blob transfers at once on
// one Client; they share connections, DNS and TLS sessions.
#ifndef ZLAYER_REGISTRY_CLIENT_H_
#define ZLAYER_REGISTRY_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/sha256.h"
#include "oci/descriptor.h"
#include "registry/credentials.h"
#include "registry/http.h"
#include "registry/token.h"
#include "zlayer/result.h"

namespace zlayer::registry {

struct ClientOptions {
  // Verify TLS certificates. false: try https without verification, and
  // plain http when https fails to connect.
  bool tls_verify = true;
  // Plain http. Loopback hosts (localhost, 127.x, ::1) always use it, as
  // Docker treats them as insecure registries.
  bool plain_http = false;
  int max_retries = 4;
  std::chrono::milliseconds retry_base{200};
  const CredentialSource* credentials = nullptr;  // not owned; may be null
  std::string user_agent = "zlayer/0.1";
  // Blobs larger than this are uploaded in PATCH chunks of this size; a
  // chunk is held in memory so that it can be resent.
  size_t chunk_size = 16 << 20;
};

struct ManifestResponse {
  std::string media_type;  // Content-Type without parameters
  std::string body;
  base::Digest digest;  // of body
};

// Bytes done and total (0 when unknown) of one blob transfer.
using TransferProgress = std::function<void(uint64_t done, uint64_t total)>;
// Fills the span with the next bytes and returns how many; 0 at the end.
using BlobReader = std::function<Result<size_t>(std::span<uint8_t>)>;
using BlobSink = std::function<Status(std::string_view)>;

class Client {
 public:
  // `host` as in an image reference: "127.0.0.1:5000",
  // "registry-1.docker.io". Nothing is contacted yet.
  static Result<std::unique_ptr<Client>> Create(std::string host,
                                                ClientOptions options = {});

  const std::string& host() const { return host_; }

  // The manifest `ref` (tag or "sha256:...") of `repo`. `accept` lists the
  // media types wanted (empty: every OCI and Docker manifest and index
  // type). Unknown manifests are kNotFound; a body that does not hash to a
  // digest `ref` (or to the registry's Docker-Content-Digest) is kInvalid.
  Result<ManifestResponse> GetManifest(
      std::string_view repo, std::string_view ref,
      const std::vector<std::string>& accept = {});
  // The manifest's descriptor, or nullopt when the registry does not have it.
  Result<std::optional<oci::Descriptor>> HeadManifest(std::string_view repo,
                                                      std::string_view ref);
  // Uploads a manifest under `ref` (tag or digest); returns its digest.
  Result<base::Digest> PutManifest(std::string_view repo, std::string_view ref,
                                   std::string_view media_type,
                                   std::string_view body);

  Result<bool> HasBlob(std::string_view repo, const base::Digest& digest);
  // Streams the blob into `sink`, following redirects (without the
  // registry's credentials when they lead to another host). A connection
  // that drops mid-blob is resumed with a Range request. A digest mismatch
  // is kInvalid and is only known at the end: the caller must then discard
  // what `sink` received.
  Status GetBlob(std::string_view repo, const base::Digest& digest,
                 const BlobSink& sink, const TransferProgress& progress = {});
  // Uploads `size` bytes from `read`, in one PUT when size <= chunk_size,
  // else in PATCH chunks. The bytes are hashed on the way and must match
  // `digest`. Each request is retried as a whole; a registry that kept part
  // of a failed chunk refuses the resend (416), the upload session is then
  // cancelled and the caller may push the blob again from the start.
  Status PushBlob(std::string_view repo, const base::Digest& digest,
                  uint64_t size, const BlobReader& read,
                  const TransferProgress& progress = {});
  // Asks the registry to link `digest` from `from_repo` into `repo`. true:
  // mounted. false: the registry declined (the upload session it opened
  // instead is cancelled); push the blob.
  Result<bool> MountBlob(std::string_view repo, const base::Digest& digest,
                         std::string_view from_repo);
  // GET /v2/ with the configured credentials, as `docker login` checks
  // them: Ok when the registry accepts them (or needs none), an
  // "unauthorized" error when it refuses them.
  Status CheckAccess();
  // Every tag of `repo`, following Link pagination.
  Result<std::vector<std::string>> ListTags(std::string_view repo);

 private:
  struct Call;
  Client(std::string host, ClientOptions options);

  Result<HttpResponse> Send(Call& call);
  Result<std::string> AuthorizationFor(const std::vector<std::string>& scopes,
                                       bool fresh);
  // Learns the auth scheme from a 401's WWW-Authenticate.
  Status HandleChallenge(const HttpResponse& response);
  Result<std::optional<Credentials>> LookupCredentials() const;
  std::string BaseUrl();
  std::string Resolve(std::string_view location);
  std::string Origin(std::string_view url) const;
  // "<what>: <the registry's error messages>", each prefixed by its code
  // unless the message already says it or `with_codes` is false.
  Error RegistryError(const HttpResponse& response, std::string_view what,
                      bool with_codes = true);

  std::string host_;
  ClientOptions options_;
  HttpTransport transport_;
  TokenCache tokens_;

  std::mutex mutex_;  // guards the fields below
  std::string scheme_;
  bool scheme_settled_ = false;
  bool basic_ = false;
  std::optional<Challenge> bearer_;
};

// Whether `host` (with optional port) is localhost, 127.x or ::1.
bool IsLoopbackHost(std::string_view host);

// The tags path parameter of a Link header: the URL of rel="next", or "".
std::string NextLink(std::string_view link_header);

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_CLIENT_H_
