#include "registry/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <optional>

namespace zlayer::registry {
namespace {

constexpr size_t kMaxErrorBody = 1 << 20;
constexpr size_t kMaxDocumentBody = 32 << 20;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Exchange {
  const HttpRequest* request;
  CURL* curl;
  HttpResponse response;
  std::optional<Error> sink_error;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  // Interim responses (100 Continue) and each hop start with a status line.
  if (line.starts_with("HTTP/")) {
    exchange->response.headers.clear();
    return line.size();
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' ||
                            value.back() == ' ')) {
    value.remove_suffix(1);
  }
  exchange->response.headers.emplace_back(AsciiLower(line.substr(0, colon)),
                                          std::string(value));
  return line.size();
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(exchange->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300 && exchange->request->sink != nullptr) {
    if (exchange->response.sink_bytes == 0) {
      if (exchange->request->content_length != nullptr) {
        curl_off_t length = -1;
        curl_easy_getinfo(exchange->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
                          &length);
        *exchange->request->content_length = length;
      }
      if (exchange->request->status != nullptr) {
        *exchange->request->status = status;
      }
    }
    Status st = (*exchange->request->sink)(std::string_view(data, n));
    if (!st) {
      exchange->sink_error = std::move(st).error();
      return 0;
    }
    exchange->response.sink_bytes += n;
    return n;
  }
  std::string& body = exchange->response.body;
  if (status >= 200 && status < 300) {
    // Manifests and token answers: small documents, kept whole.
    if (body.size() + n > kMaxDocumentBody) {
      exchange->sink_error =
          Error("response body larger than 32 MiB", ErrorKind::kInvalid);
      return 0;
    }
    body.append(data, n);
  } else if (body.size() < kMaxErrorBody) {
    body.append(data, std::min(n, kMaxErrorBody - body.size()));
  }
  return n;
}

std::string DescribeCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return "connection refused";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "could not resolve host";
    case CURLE_OPERATION_TIMEDOUT:
      return "timed out";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return "connection reset";
    case CURLE_GOT_NOTHING:
      return "empty reply from server";
    case CURLE_SSL_CONNECT_ERROR:
      return "TLS handshake failed";
    case CURLE_PARTIAL_FILE:
      return "connection closed before the end of the response";
    default:
      return curl_easy_strerror(code);
  }
}

}  // namespace

struct HttpTransport::Share {
  CURLSH* handle = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Share*>(user)->locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Share*>(user)->locks[data].unlock();
  }
};

HttpTransport::HttpTransport() : share_(std::make_unique<Share>()) {
  GlobalInit();
  share_->handle = curl_share_init();
  curl_share_setopt(share_->handle, CURLSHOPT_LOCKFUNC, &Share::Lock);
  curl_share_setopt(share_->handle, CURLSHOPT_UNLOCKFUNC, &Share::Unlock);
  curl_share_setopt(share_->handle, CURLSHOPT_USERDATA, share_.get());
  curl_share_setopt(share_->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(share_->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_->handle, CURLSHOPT_SHARE,
                    CURL_LOCK_DATA_SSL_SESSION);
}

HttpTransport::~HttpTransport() {
  for (void* handle : pool_) curl_easy_cleanup(static_cast<CURL*>(handle));
  curl_share_cleanup(share_->handle);
}

void* HttpTransport::AcquireHandle() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      void* handle = pool_.back();
      pool_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpTransport::ReleaseHandle(void* handle) {
  std::lock_guard lock(pool_mutex_);
  pool_.push_back(handle);
}

Result<HttpResponse> HttpTransport::Perform(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) return Fail("curl_easy_init failed");
  curl_easy_reset(curl);
  Exchange exchange{&request, curl, {}, std::nullopt};

  curl_easy_setopt(curl, CURLOPT_SHARE, share_->handle);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) is a transport error.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);

  const std::string& method = request.method;
  bool has_body = false;
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "PUT" || method == "POST" || method == "PATCH") {
    has_body = true;
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    if (method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  curl_slist* headers = nullptr;
  bool has_content_type = false;
  for (const std::string& header : request.headers) {
    if (AsciiLower(header).starts_with("content-type:")) {
      has_content_type = true;
    }
    headers = curl_slist_append(headers, header.c_str());
  }
  if (has_body && !has_content_type) {
    headers =
        curl_slist_append(headers, "Content-Type: application/octet-stream");
  }
  // Registries answer quickly; waiting for 100-continue only adds latency.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.response.status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  ReleaseHandle(curl);

  if (exchange.sink_error) return std::unexpected(*exchange.sink_error);
  if (code == CURLE_PEER_FAILED_VERIFICATION) {
    // Not transient: retrying cannot help.
    return Fail("TLS certificate verification failed");
  }
  if (code != CURLE_OK) {
    return Fail(DescribeCurlError(code), ErrorKind::kIo);
  }
  return std::move(exchange.response);
}

std::string HttpResponse::Header(std::string_view name) const {
  std::string key = AsciiLower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return "";
}

std::vector<std::string> HttpResponse::AllHeaders(std::string_view name) const {
  std::string key = AsciiLower(name);
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == key) out.push_back(v);
  }
  return out;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace zlayer::registry
