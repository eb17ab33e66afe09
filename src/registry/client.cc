#include "registry/client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "oci/media_types.h"
#include "registry/client_internal.h"

namespace zlayer::registry {
namespace {

constexpr int kMaxRedirects = 5;
constexpr auto kMaxRetryAfter = std::chrono::seconds(30);

bool ValidRepo(std::string_view repo) {
  if (repo.empty() || repo.size() > 255 || repo.front() == '/' ||
      repo.back() == '/') {
    return false;
  }
  return std::all_of(repo.begin(), repo.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '/';
  });
}

std::chrono::milliseconds Backoff(std::chrono::milliseconds base, int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  auto full = base * (1LL << std::min(attempt, 10));
  // "Equal jitter": between half and all of the exponential delay.
  std::uniform_int_distribution<int64_t> jitter(full.count() / 2, full.count());
  return std::chrono::milliseconds(jitter(rng));
}

bool Retryable(long status) {
  return status >= 500 || status == 429 || status == 408;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

}  // namespace

namespace internal {

bool IsDigestRef(std::string_view ref) { return ref.find(':') != ref.npos; }

Status CheckRepoRef(std::string_view host, std::string_view repo,
                    std::string_view ref) {
  if (!ValidRepo(repo)) {
    return Fail(std::string(host) + ": invalid repository name \"" +
                    std::string(repo) + "\"",
                ErrorKind::kInvalid);
  }
  if (IsDigestRef(ref)) {
    ZL_RETURN_IF_ERROR(base::Digest::Parse(ref));
    return Ok();
  }
  bool ok = !ref.empty() && ref.size() <= 128 && ref.front() != '.' &&
            ref.front() != '-' &&
            std::all_of(ref.begin(), ref.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                     c == '.' || c == '-';
            });
  if (!ok) {
    return Fail(std::string(host) + "/" + std::string(repo) +
                    ": invalid tag \"" + std::string(ref) + "\"",
                ErrorKind::kInvalid);
  }
  return Ok();
}

std::string Scope(std::string_view repo, std::string_view actions) {
  return "repository:" + std::string(repo) + ":" + std::string(actions);
}

std::string MediaTypeOf(std::string_view content_type) {
  std::string_view value = content_type.substr(0, content_type.find(';'));
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return std::string(value);
}

std::string DefaultAccept() {
  std::string out;
  for (std::string_view type :
       {oci::kOciManifest, oci::kOciIndex, oci::kDockerManifest,
        oci::kDockerManifestList}) {
    if (!out.empty()) out += ", ";
    out += type;
  }
  return out;
}
}  // namespace internal

using internal::CheckRepoRef;

bool IsLoopbackHost(std::string_view host) {
  std::string_view name = host;
  if (name.starts_with("[")) {
    name = name.substr(1, name.find(']') - 1);
  } else if (std::count(name.begin(), name.end(), ':') == 1) {
    name = name.substr(0, name.find(':'));
  }
  bool dotted = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
  return name == "localhost" || name == "::1" ||
         (dotted && name.starts_with("127."));
}

std::string NextLink(std::string_view link_header) {
  // <url>; rel="next"[, <url>; rel="prev"]
  size_t pos = 0;
  while (pos < link_header.size()) {
    size_t open = link_header.find('<', pos);
    if (open == link_header.npos) break;
    size_t close = link_header.find('>', open);
    if (close == link_header.npos) break;
    size_t end = link_header.find(',', close);
    std::string params = AsciiLower(link_header.substr(
        close + 1, end == link_header.npos ? link_header.npos : end - close));
    std::string url(link_header.substr(open + 1, close - open - 1));
    params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
    if (params.find("rel=\"next\"") != params.npos ||
        params.find("rel=next") != params.npos) {
      return url;
    }
    if (end == link_header.npos) break;
    pos = end + 1;
  }
  return "";
}

Client::Client(std::string host, ClientOptions options)
    : host_(std::move(host)), options_(std::move(options)) {
  transport_.set_user_agent(options_.user_agent);
  if (options_.plain_http || IsLoopbackHost(host_)) {
    scheme_ = "http";
    scheme_settled_ = true;
  } else {
    scheme_ = "https";
    scheme_settled_ = options_.tls_verify;
  }
}

Result<std::unique_ptr<Client>> Client::Create(std::string host,
                                               ClientOptions options) {
  bool ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
  });
  if (!ok) {
    return Fail("invalid registry host \"" + host + "\"", ErrorKind::kInvalid);
  }
  if (options.max_retries < 0) options.max_retries = 0;
  if (options.chunk_size == 0) {
    return Fail("registry client: chunk size must be positive",
                ErrorKind::kInvalid);
  }
  return std::unique_ptr<Client>(
      new Client(std::move(host), std::move(options)));
}

std::string Client::BaseUrl() {
  std::lock_guard lock(mutex_);
  return scheme_ + "://" + host_;
}

std::string Client::Origin(std::string_view url) const {
  size_t scheme_end = url.find("://");
  if (scheme_end == url.npos) return "";
  size_t path = url.find_first_of("/?#", scheme_end + 3);
  return AsciiLower(url.substr(0, path));
}

std::string Client::Resolve(std::string_view location) {
  if (location.find("://") != location.npos) return std::string(location);
  if (location.starts_with("//")) {
    std::lock_guard lock(mutex_);
    return scheme_ + ":" + std::string(location);
  }
  if (location.starts_with("/")) return BaseUrl() + std::string(location);
  return BaseUrl() + "/" + std::string(location);
}

Result<std::optional<Credentials>> Client::LookupCredentials() const {
  if (options_.credentials == nullptr) return std::nullopt;
  return WithContext(options_.credentials->Lookup(host_),
                     host_ + ": credentials");
}

Error Client::RegistryError(const HttpResponse& response, std::string_view what,
                            bool with_codes) {
  std::string detail;
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
    for (const auto& entry : doc["errors"]) {
      if (!entry.is_object()) continue;
      std::string code = entry.value("code", "");
      std::string message = entry.value("message", "");
      std::string plain_code = AsciiLower(code);
      std::replace(plain_code.begin(), plain_code.end(), '_', ' ');
      std::string one = message.empty() ? plain_code : message;
      if (with_codes && !plain_code.empty() && !message.empty() &&
          AsciiLower(message).find(plain_code) == std::string::npos) {
        one = plain_code + ": " + message;
      }
      if (one.empty()) continue;
      if (!detail.empty()) detail += "; ";
      detail += one;
    }
  }
  if (detail.empty()) {
    detail = "HTTP " + std::to_string(response.status);
  }
  ErrorKind kind =
      response.status == 404 ? ErrorKind::kNotFound : ErrorKind::kFailed;
  return Error(std::string(what) + ": " + detail, kind);
}

Result<std::string> Client::AuthorizationFor(
    const std::vector<std::string>& scopes, bool fresh) {
  std::optional<Challenge> bearer;
  bool basic;
  {
    std::lock_guard lock(mutex_);
    bearer = bearer_;
    basic = basic_;
  }
  if (bearer) {
    std::vector<std::string> wanted = scopes;
    if (wanted.empty()) {
      if (auto it = bearer->params.find("scope"); it != bearer->params.end())
        wanted.push_back(it->second);
    }
    std::string key = bearer->params["realm"] + "|" + bearer->params["service"];
    for (const std::string& scope : wanted) key += "|" + scope;
    if (!fresh) {
      if (auto token = tokens_.Get(key)) return "Bearer " + *token;
    }
    ZL_ASSIGN_OR_RETURN(auto credentials, LookupCredentials());
    auto token = FetchToken(transport_, host_, *bearer, wanted, credentials,
                            options_.tls_verify, options_.user_agent);
    if (!token) {
      if (!credentials &&
          token.error().message().find("unauthorized") != std::string::npos) {
        return Fail(host_ + ": authentication required");
      }
      return std::unexpected(token.error());
    }
    tokens_.Put(key, *token);
    return "Bearer " + token->token;
  }
  if (basic) {
    ZL_ASSIGN_OR_RETURN(auto credentials, LookupCredentials());
    if (!credentials || credentials->username.empty()) {
      return Fail(host_ + ": authentication required");
    }
    return BasicAuthorization(*credentials);
  }
  return std::string();
}

Status Client::HandleChallenge(const HttpResponse& response) {
  std::vector<Challenge> challenges;
  for (const std::string& value : response.AllHeaders("www-authenticate")) {
    auto parsed = ParseChallenges(value);
    challenges.insert(challenges.end(), parsed.begin(), parsed.end());
  }
  std::lock_guard lock(mutex_);
  for (const Challenge& challenge : challenges) {
    if (challenge.scheme == "bearer") {
      bearer_ = challenge;
      bearer_->params.erase("error");
      bearer_->params.erase("scope");
      basic_ = false;
      return Ok();
    }
  }
  for (const Challenge& challenge : challenges) {
    if (challenge.scheme == "basic") {
      basic_ = true;
      bearer_.reset();
      return Ok();
    }
  }
  return std::unexpected(
      RegistryError(response, host_ + ": unauthorized (no usable "
                                      "WWW-Authenticate challenge)"));
}

Result<HttpResponse> Client::Send(Call& call) {
  int attempt = 0;
  int redirects = 0;
  bool challenged = false;
  std::string target = call.url;
  // An upload Location may point elsewhere; credentials stay home.
  bool send_auth = Origin(target) == Origin(BaseUrl());
  while (true) {
    HttpRequest request;
    request.method = call.method;
    request.url = target;
    request.headers = call.headers;
    request.body = call.body;
    request.verify_tls = options_.tls_verify;
    uint64_t delivered = 0;
    BlobSink counting;
    if (call.sink != nullptr) {
      counting = [&](std::string_view data) -> Status {
        delivered += data.size();
        return (*call.sink)(data);
      };
      request.sink = &counting;
      request.content_length = call.content_length;
      request.status = call.status;
    }
    if (send_auth) {
      ZL_ASSIGN_OR_RETURN(std::string authorization,
                          AuthorizationFor(call.scopes, false));
      if (!authorization.empty()) {
        request.headers.push_back("Authorization: " + authorization);
      }
    }

    auto response = transport_.Perform(request);
    if (!response) {
      if (response.error().kind() != ErrorKind::kIo) {
        return std::unexpected(response.error());
      }
      // tls_verify=false: a registry that does not speak https at all.
      bool fallback = false;
      {
        std::lock_guard lock(mutex_);
        if (!scheme_settled_ && scheme_ == "https" &&
            target.starts_with("https://" + host_)) {
          scheme_ = "http";
          scheme_settled_ = true;
          fallback = true;
        }
      }
      if (fallback) {
        target = "http://" + target.substr(std::string("https://").size());
        continue;
      }
      if (delivered == 0 && attempt < options_.max_retries) {
        std::this_thread::sleep_for(Backoff(options_.retry_base, attempt++));
        continue;
      }
      std::string where =
          Origin(target) == Origin(BaseUrl()) ? host_ : Origin(target);
      return std::unexpected(response.error().AddContext(where));
    }
    {
      std::lock_guard lock(mutex_);
      if (target.starts_with(scheme_ + "://" + host_)) scheme_settled_ = true;
    }

    if (response->status == 401 && send_auth) {
      if (challenged) {
        return std::unexpected(
            RegistryError(*response, host_ + ": unauthorized", false));
      }
      challenged = true;
      ZL_RETURN_IF_ERROR(HandleChallenge(*response));
      // A fresh token for this scope; the cached one was refused.
      ZL_RETURN_IF_ERROR(AuthorizationFor(call.scopes, true));
      continue;
    }
    if (Retryable(response->status) && attempt < options_.max_retries) {
      auto delay = Backoff(options_.retry_base, attempt++);
      std::string retry_after = response->Header("retry-after");
      int64_t seconds = 0;
      auto [ptr, ec] = std::from_chars(
          retry_after.data(), retry_after.data() + retry_after.size(), seconds);
      if (!retry_after.empty() && ec == std::errc() && seconds >= 0) {
        delay = std::min<std::chrono::milliseconds>(
            std::chrono::seconds(seconds), kMaxRetryAfter);
      }
      std::this_thread::sleep_for(delay);
      continue;
    }
    if (call.follow_redirects && IsRedirect(response->status) &&
        !response->Header("location").empty()) {
      if (++redirects > kMaxRedirects) {
        return Fail(host_ + ": too many redirects", ErrorKind::kFailed);
      }
      target = Resolve(response->Header("location"));
      // Credentials stay with the registry; a CDN gets a signed URL.
      send_auth = Origin(target) == Origin(BaseUrl());
      continue;
    }
    return std::move(*response);
  }
}

}  // namespace zlayer::registry
