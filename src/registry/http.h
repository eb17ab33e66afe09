// One HTTP exchange over libcurl, shared by every registry Client. The
// transport owns a CURLSH (connections, DNS, TLS sessions; with lock
// callbacks so parallel transfers can share them) and a pool of easy
// handles, so concurrent calls to Perform() are safe and reuse connections.
// It never follows redirects or retries: the registry client decides both,
// because a redirect to another host must not carry the registry's
// Authorization header and only the client knows which bodies are safe to
// resend.
#ifndef ZLAYER_REGISTRY_HTTP_H_
#define ZLAYER_REGISTRY_HTTP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::registry {

struct HttpRequest {
  std::string method = "GET";  // GET HEAD PUT POST PATCH DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string_view body;             // sent for PUT, POST and PATCH
  // When set, the body of a 2xx response goes here instead of into
  // HttpResponse::body. An error from it aborts the transfer and is
  // returned as is.
  const std::function<Status(std::string_view)>* sink = nullptr;
  // When set, receive the Content-Length (-1 when unknown) and the status
  // of a 2xx response before the sink sees its first bytes.
  int64_t* content_length = nullptr;
  long* status = nullptr;
  bool verify_tls = true;
};

struct HttpResponse {
  long status = 0;
  // In arrival order, names lowercased.
  std::vector<std::pair<std::string, std::string>> headers;
  // A 2xx body without a sink (at most 32 MiB), or the first 1 MiB of
  // any other.
  std::string body;
  uint64_t sink_bytes = 0;

  // The first value of header `name` (any case), or "".
  std::string Header(std::string_view name) const;
  std::vector<std::string> AllHeaders(std::string_view name) const;
};

// Transport failures (connection refused, reset, timeout, TLS handshake)
// are kIo errors with a short description ("connection refused"); callers
// may retry those. A certificate that fails verification is kFailed.
// A sink's error is passed through with its own kind.
class HttpTransport {
 public:
  HttpTransport();
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  void set_user_agent(std::string agent) { user_agent_ = std::move(agent); }
  Result<HttpResponse> Perform(const HttpRequest& request);

 private:
  struct Share;
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  std::unique_ptr<Share> share_;
  std::mutex pool_mutex_;
  std::vector<void*> pool_;
  std::string user_agent_ = "zlayer/0.1";
};

// The lowercased ASCII of `text`.
std::string AsciiLower(std::string_view text);

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_HTTP_H_
