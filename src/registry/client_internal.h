// Pieces shared by the Client's source files (client.cc, client_blobs.cc,
// client_manifests.cc); not for other modules.
#ifndef ZLAYER_REGISTRY_CLIENT_INTERNAL_H_
#define ZLAYER_REGISTRY_CLIENT_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "registry/client.h"

namespace zlayer::registry {

// One logical request: the client may send it several times (auth,
// retries, redirects).
struct Client::Call {
  std::string method = "GET";
  std::string url;  // absolute
  std::vector<std::string> headers;
  std::string_view body;
  const BlobSink* sink = nullptr;
  int64_t* content_length = nullptr;
  long* status = nullptr;
  std::vector<std::string> scopes;
  bool follow_redirects = false;
};

namespace internal {

// A digest reference ("sha256:...") rather than a tag.
bool IsDigestRef(std::string_view ref);
// Refuses repository names and tags that are not the distribution spec's,
// before they reach a URL.
Status CheckRepoRef(std::string_view host, std::string_view repo,
                    std::string_view ref);
// "repository:<repo>:<actions>".
std::string Scope(std::string_view repo, std::string_view actions);
// A Content-Type without its parameters.
std::string MediaTypeOf(std::string_view content_type);
// Every OCI and Docker manifest and index media type, for Accept.
std::string DefaultAccept();

}  // namespace internal
}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_CLIENT_INTERNAL_H_
