#include "registry/token.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace zlayer::registry {
namespace {

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void SkipSpace(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
}

std::string ReadToken(std::string_view& text) {
  size_t n = 0;
  while (n < text.size() && IsTokenChar(text[n])) ++n;
  std::string out(text.substr(0, n));
  text.remove_prefix(n);
  return out;
}

// A quoted-string or token; false when neither is there.
bool ReadValue(std::string_view& text, std::string& out) {
  out.clear();
  if (text.empty()) return false;
  if (text.front() != '"') {
    // Strictly a token, but registries send bare URLs here too.
    while (!text.empty() && text.front() != ',' && text.front() != ' ' &&
           text.front() != '\t') {
      out.push_back(text.front());
      text.remove_prefix(1);
    }
    return !out.empty();
  }
  text.remove_prefix(1);
  while (!text.empty() && text.front() != '"') {
    if (text.front() == '\\' && text.size() > 1) text.remove_prefix(1);
    out.push_back(text.front());
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::vector<Challenge> ParseChallenges(std::string_view header) {
  std::vector<Challenge> out;
  std::string_view text = header;
  while (true) {
    SkipSpace(text);
    while (!text.empty() && text.front() == ',') {
      text.remove_prefix(1);
      SkipSpace(text);
    }
    if (text.empty()) break;
    std::string scheme = ReadToken(text);
    if (scheme.empty()) break;
    Challenge challenge{AsciiLower(scheme), {}};
    // Parameters: name=value pairs separated by commas, until a token that
    // is not followed by '=' (the next scheme).
    while (true) {
      SkipSpace(text);
      std::string_view save = text;
      std::string name = ReadToken(text);
      SkipSpace(text);
      if (name.empty() || text.empty() || text.front() != '=') {
        text = save;
        break;
      }
      text.remove_prefix(1);
      SkipSpace(text);
      std::string value;
      if (!ReadValue(text, value)) {
        text = {};
        break;
      }
      challenge.params[AsciiLower(name)] = value;
      SkipSpace(text);
      if (!text.empty() && text.front() == ',') text.remove_prefix(1);
    }
    out.push_back(std::move(challenge));
  }
  return out;
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) |
                 uint8_t(data[i + 2]);
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t v = uint8_t(data[i]) << 16;
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8);
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string BasicAuthorization(const Credentials& credentials) {
  return "Basic " +
         Base64Encode(credentials.username + ":" + credentials.password);
}

std::string UrlEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

Result<BearerToken> FetchToken(HttpTransport& transport, std::string_view host,
                               const Challenge& challenge,
                               const std::vector<std::string>& scopes,
                               const std::optional<Credentials>& credentials,
                               bool verify_tls, std::string_view user_agent) {
  auto realm_it = challenge.params.find("realm");
  if (realm_it == challenge.params.end() || realm_it->second.empty()) {
    return Fail(std::string(host) + ": bearer challenge without a realm",
                ErrorKind::kInvalid);
  }
  const std::string& realm = realm_it->second;
  if (!realm.starts_with("https://") && !realm.starts_with("http://")) {
    return Fail(std::string(host) + ": bearer realm is not an http(s) URL",
                ErrorKind::kInvalid);
  }
  std::string service;
  if (auto it = challenge.params.find("service"); it != challenge.params.end())
    service = it->second;

  std::string form;
  auto add = [&form](std::string_view name, std::string_view value) {
    if (!form.empty()) form += '&';
    form += name;
    form += '=';
    form += UrlEscape(value);
  };
  if (!service.empty()) add("service", service);
  for (const std::string& scope : scopes) add("scope", scope);

  HttpRequest request;
  request.verify_tls = verify_tls;
  bool refresh = credentials && !credentials->identity_token.empty();
  if (refresh) {
    // OAuth2 refresh-token grant (docker's "identitytoken").
    add("grant_type", "refresh_token");
    add("refresh_token", credentials->identity_token);
    add("client_id", user_agent);
    request.method = "POST";
    request.url = realm;
    request.headers.push_back(
        "Content-Type: application/x-www-form-urlencoded");
    request.body = form;
  } else {
    request.url =
        realm + (realm.find('?') == std::string::npos ? "?" : "&") + form;
    if (credentials && !credentials->username.empty()) {
      request.headers.push_back("Authorization: " +
                                BasicAuthorization(*credentials));
    }
  }
  auto response = transport.Perform(request);
  if (!response) {
    return std::unexpected(
        response.error().AddContext(std::string(host) + ": token endpoint"));
  }
  if (response->status == 401 || response->status == 403) {
    return Fail(std::string(host) + ": unauthorized: token endpoint refused " +
                (credentials ? "the credentials" : "anonymous access") +
                " (HTTP " + std::to_string(response->status) + ")");
  }
  if (response->status != 200) {
    return Fail(std::string(host) + ": token endpoint answered HTTP " +
                std::to_string(response->status));
  }
  nlohmann::json doc = nlohmann::json::parse(response->body, nullptr, false);
  if (!doc.is_object()) {
    return Fail(std::string(host) + ": token endpoint sent no JSON object",
                ErrorKind::kInvalid);
  }
  BearerToken token;
  for (const char* key : {"token", "access_token"}) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string() && !it->get<std::string>().empty()) {
      token.token = it->get<std::string>();
      break;
    }
  }
  if (token.token.empty()) {
    return Fail(std::string(host) + ": token endpoint sent no token",
                ErrorKind::kInvalid);
  }
  // The token spec's default lifetime is 60 seconds.
  int64_t expires_in = 60;
  if (auto it = doc.find("expires_in");
      it != doc.end() && it->is_number_integer() && it->get<int64_t>() > 0) {
    expires_in = it->get<int64_t>();
  }
  // Renew a little early so a token does not expire in flight; short-lived
  // tokens keep at least half their life.
  int64_t margin = std::min<int64_t>(10, expires_in / 2);
  token.expires = std::chrono::steady_clock::now() +
                  std::chrono::seconds(expires_in - margin);
  return token;
}

std::optional<std::string> TokenCache::Get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(key);
  if (it == tokens_.end() ||
      it->second.expires <= std::chrono::steady_clock::now()) {
    return std::nullopt;
  }
  return it->second.token;
}

void TokenCache::Put(const std::string& key, const BearerToken& token) {
  std::lock_guard lock(mutex_);
  tokens_[key] = token;
}

void TokenCache::Drop(const std::string& key) {
  std::lock_guard lock(mutex_);
  tokens_.erase(key);
}

}  // namespace zlayer::registry
