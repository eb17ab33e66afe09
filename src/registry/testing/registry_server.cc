#include "registry/testing/registry_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/file_io.h"
#include "registry/http.h"
#include "registry/token.h"

namespace zlayer::registry::testing {
namespace {

std::string Base64Url(std::string_view data) {
  std::string out = Base64Encode(data);
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string UrlUnescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(
          std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

// name=value pairs of a query string or form body.
std::multimap<std::string, std::string> ParseForm(std::string_view text) {
  std::multimap<std::string, std::string> out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    size_t eq = pair.find('=');
    out.emplace(UrlUnescape(pair.substr(0, eq)),
                eq == pair.npos ? "" : UrlUnescape(pair.substr(eq + 1)));
    if (amp == text.npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<int> FreePort() {
  base::UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return FailErrno("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return FailErrno("bind 127.0.0.1:0", errno);
  }
  socklen_t len = sizeof(addr);
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

// ---- FakeHttpServer ----

Result<std::unique_ptr<FakeHttpServer>> FakeHttpServer::Start(
    FakeHandler handler, const std::string& address) {
  std::unique_ptr<FakeHttpServer> server(new FakeHttpServer());
  server->handler_ = std::move(handler);
  server->address_ = address;
  server->listener_ =
      base::UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!server->listener_.valid()) return FailErrno("socket", errno);
  int one = 1;
  setsockopt(server->listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one,
             sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    return Fail("not an IPv4 address: " + address, ErrorKind::kInvalid);
  }
  if (bind(server->listener_.get(), reinterpret_cast<sockaddr*>(&addr),
           sizeof(addr)) != 0 ||
      listen(server->listener_.get(), 64) != 0) {
    return FailErrno("listen on " + address, errno);
  }
  socklen_t len = sizeof(addr);
  getsockname(server->listener_.get(), reinterpret_cast<sockaddr*>(&addr),
              &len);
  server->port_ = ntohs(addr.sin_port);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return FailErrno("pipe", errno);
  server->wake_read_ = base::UniqueFd(pipe_fds[0]);
  server->wake_write_ = base::UniqueFd(pipe_fds[1]);
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

FakeHttpServer::~FakeHttpServer() {
  if (thread_.joinable()) {
    char byte = 0;
    (void)!write(wake_write_.get(), &byte, 1);
    thread_.join();
  }
}

void FakeHttpServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0},
                     {wake_read_.get(), POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      base::UniqueFd conn(
          accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (conn.valid()) HandleConnection(conn.get());
    }
  }
}

void FakeHttpServer::HandleConnection(int fd) {
  std::string data;
  char buf[65536];
  size_t header_end;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
    if (data[0] == 0x16) return;  // a TLS ClientHello: this is plain http
  }
  FakeRequest request;
  std::istringstream head(data.substr(0, header_end));
  std::string line;
  std::getline(head, line);
  std::istringstream first(line);
  std::string version;
  first >> request.method >> request.target >> version;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request.headers[AsciiLower(line.substr(0, colon))] = value;
  }
  size_t length = 0;
  if (auto it = request.headers.find("content-length");
      it != request.headers.end()) {
    length = std::stoul(it->second);
  }
  request.body = data.substr(header_end + 4);
  while (request.body.size() < length) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return;
    request.body.append(buf, static_cast<size_t>(n));
  }
  ++requests_;
  FakeResponse response = handler_(request);
  std::string out = "HTTP/1.1 " + std::to_string(response.status) +
                    " Scripted\r\nConnection: close\r\n";
  bool has_length = false;
  for (const auto& [name, value] : response.headers) {
    if (AsciiLower(name) == "content-length") has_length = true;
    out += name + ": " + value + "\r\n";
  }
  if (!has_length) {
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  out += "\r\n";
  if (request.method != "HEAD") out += response.body;
  SendAll(fd, out);
  shutdown(fd, SHUT_WR);
  // Let the client read everything before the close.
  pollfd p{fd, POLLIN, 0};
  poll(&p, 1, 1000);
}

// ---- TokenIssuer ----

Result<std::unique_ptr<TokenIssuer>> TokenIssuer::Create(const std::string& dir,
                                                         std::string issuer) {
  std::unique_ptr<TokenIssuer> out(new TokenIssuer());
  out->issuer_ = std::move(issuer);
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return Fail("EC key generation failed");
  out->key_ = key;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 365);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("zlayer test token issuer"), -1,
      -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
        std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  bool signed_ok = X509_sign(cert, key, EVP_sha256()) > 0;
  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert, &der);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* pem_data = nullptr;
  long pem_len = BIO_get_mem_data(bio, &pem_data);
  std::string pem(pem_data, static_cast<size_t>(pem_len));
  BIO_free(bio);
  X509_free(cert);
  if (!signed_ok || der_len <= 0) {
    OPENSSL_free(der);
    return Fail("self-signed certificate generation failed");
  }
  out->cert_der_.assign(reinterpret_cast<char*>(der),
                        static_cast<size_t>(der_len));
  OPENSSL_free(der);
  out->cert_path_ = dir + "/token-issuer.pem";
  ZL_RETURN_IF_ERROR(base::WriteFileAtomic(out->cert_path_, pem));
  return out;
}

TokenIssuer::~TokenIssuer() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

Result<std::string> TokenIssuer::Sign(const std::string& subject,
                                      const std::string& audience,
                                      const std::vector<std::string>& scopes,
                                      std::chrono::seconds ttl) const {
  nlohmann::json header = {
      {"typ", "JWT"}, {"alg", "ES256"}, {"x5c", {Base64Encode(cert_der_)}}};
  nlohmann::json access = nlohmann::json::array();
  for (const std::string& scope : scopes) {
    // repository:NAME:ACTIONS, where NAME may hold ':' only before a port.
    size_t first = scope.find(':');
    size_t last = scope.rfind(':');
    if (first == std::string::npos || first == last) continue;
    nlohmann::json actions = nlohmann::json::array();
    std::string list = scope.substr(last + 1);
    std::istringstream in(list);
    std::string action;
    while (std::getline(in, action, ',')) {
      if (!action.empty()) actions.push_back(action);
    }
    access.push_back({{"type", scope.substr(0, first)},
                      {"name", scope.substr(first + 1, last - first - 1)},
                      {"actions", actions}});
  }
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  unsigned char jti[12];
  RAND_bytes(jti, sizeof(jti));
  nlohmann::json claims = {
      {"iss", issuer_},
      {"sub", subject},
      {"aud", audience},
      {"exp", now + ttl.count()},
      {"nbf", now - 60},
      {"iat", now},
      {"jti", Base64Url(std::string_view(reinterpret_cast<char*>(jti), 12))},
      {"access", access}};
  std::string input = Base64Url(header.dump()) + "." + Base64Url(claims.dump());

  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t sig_len = 0;
  std::string der_sig;
  bool ok = EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr,
                               static_cast<EVP_PKEY*>(key_)) == 1 &&
            EVP_DigestSign(md, nullptr, &sig_len,
                           reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  if (ok) {
    der_sig.resize(sig_len);
    ok = EVP_DigestSign(md, reinterpret_cast<unsigned char*>(der_sig.data()),
                        &sig_len,
                        reinterpret_cast<const unsigned char*>(input.data()),
                        input.size()) == 1;
    der_sig.resize(sig_len);
  }
  EVP_MD_CTX_free(md);
  if (!ok) return Fail("ES256 signing failed");
  // JWS wants r||s, 32 bytes each, not DER.
  const unsigned char* p =
      reinterpret_cast<const unsigned char*>(der_sig.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig_len));
  if (sig == nullptr) return Fail("ES256 signature decoding failed");
  unsigned char raw[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
  ECDSA_SIG_free(sig);
  return input + "." +
         Base64Url(std::string_view(reinterpret_cast<char*>(raw), 64));
}

// ---- TokenEndpoint ----

Result<std::unique_ptr<TokenEndpoint>> TokenEndpoint::Start(
    const std::string& dir, std::string service, std::string username,
    std::string password, int expires_in) {
  std::unique_ptr<TokenEndpoint> out(new TokenEndpoint());
  out->service_ = std::move(service);
  out->username_ = std::move(username);
  out->password_ = std::move(password);
  out->expires_in_ = expires_in;
  ZL_ASSIGN_OR_RETURN(out->issuer_,
                      TokenIssuer::Create(dir, "zlayer-test-issuer"));
  TokenEndpoint* self = out.get();
  ZL_ASSIGN_OR_RETURN(
      out->server_, FakeHttpServer::Start([self](const FakeRequest& request) {
        std::string path = request.target.substr(0, request.target.find('?'));
        if (path != "/token") return FakeResponse{404, {}, "not found"};
        std::string query;
        if (size_t q = request.target.find('?'); q != std::string::npos) {
          query = request.target.substr(q + 1);
        }
        auto form = ParseForm(request.method == "POST" ? request.body : query);
        std::string subject;
        if (!self->username_.empty()) {
          Credentials expected{self->username_, self->password_, ""};
          bool basic_ok =
              request.Header("authorization") == BasicAuthorization(expected);
          auto refresh = form.find("refresh_token");
          bool refresh_ok =
              refresh != form.end() && refresh->second == self->password_;
          if (!basic_ok && !refresh_ok) {
            return FakeResponse{401, {}, R"({"details":"bad credentials"})"};
          }
          subject = self->username_;
        }
        std::vector<std::string> scopes;
        auto [begin, end] = form.equal_range("scope");
        for (auto it = begin; it != end; ++it) {
          std::istringstream in(it->second);
          std::string one;
          while (std::getline(in, one, ' ')) scopes.push_back(one);
        }
        auto token =
            self->issuer_->Sign(subject, self->service_, scopes,
                                std::chrono::seconds(self->expires_in_));
        if (!token) return FakeResponse{500, {}, token.error().message()};
        nlohmann::json body = {{"token", *token},
                               {"expires_in", self->expires_in_}};
        return FakeResponse{
            200, {{"Content-Type", "application/json"}}, body.dump()};
      }));
  return out;
}

// ---- RegistryServer ----

Result<std::unique_ptr<RegistryServer>> RegistryServer::Launch(
    std::string auth_yaml, base::TempDir dir) {
  std::unique_ptr<RegistryServer> server(new RegistryServer());
  server->dir_ = std::move(dir);
  server->storage_ = server->dir_.path() + "/storage";
  ZL_ASSIGN_OR_RETURN(server->port_, FreePort());
  std::string config =
      "version: 0.1\n"
      "log:\n  level: error\n  accesslog:\n    disabled: true\n"
      "storage:\n  filesystem:\n    rootdirectory: " +
      server->storage_ +
      "\n  delete:\n    enabled: true\n"
      "http:\n  addr: " +
      server->host() + "\n" + auth_yaml;
  std::string config_path = server->dir_.path() + "/config.yml";
  ZL_RETURN_IF_ERROR(base::WriteFileAtomic(config_path, config));
  base::SubprocessOptions options;
  options.stdout_mode = base::OutputMode::kDiscard;
  // Even at level error the registry logs every 4xx answer.
  options.stderr_mode = base::OutputMode::kDiscard;
  options.new_process_group = true;
  options.kill_grace = std::chrono::milliseconds(2000);
  ZL_ASSIGN_OR_RETURN(server->child_,
                      base::ChildProcess::Spawn(
                          {"docker-registry", "serve", config_path}, options));
  HttpTransport transport;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (true) {
    HttpRequest ping;
    ping.url = "http://" + server->host() + "/v2/";
    auto response = transport.Perform(ping);
    if (response && (response->status == 200 || response->status == 401)) {
      return server;
    }
    if (!server->child_.running() ||
        std::chrono::steady_clock::now() > deadline) {
      return Fail("docker-registry on " + server->host() +
                  " did not start answering /v2/");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<std::unique_ptr<RegistryServer>> RegistryServer::StartOpen() {
  ZL_ASSIGN_OR_RETURN(base::TempDir dir, base::TempDir::Create("", "zlreg-"));
  return Launch("", std::move(dir));
}

Result<std::unique_ptr<RegistryServer>> RegistryServer::StartHtpasswd(
    const std::string& username, const std::string& password) {
  ZL_ASSIGN_OR_RETURN(base::TempDir dir, base::TempDir::Create("", "zlreg-"));
  // The password goes over stdin (-i), not the command line.
  base::SubprocessOptions options;
  options.stdin_mode = base::StdinMode::kData;
  options.stdin_data = password + "\n";
  ZL_ASSIGN_OR_RETURN(
      base::RunResult run,
      base::RunChecked({"htpasswd", "-Bin", username}, options));
  std::string path = dir.path() + "/htpasswd";
  ZL_RETURN_IF_ERROR(base::WriteFileAtomic(path, run.stdout_data));
  return Launch(
      "auth:\n  htpasswd:\n    realm: zlayer-test\n    path: " + path + "\n",
      std::move(dir));
}

Result<std::unique_ptr<RegistryServer>> RegistryServer::StartToken(
    const TokenEndpoint& endpoint) {
  ZL_ASSIGN_OR_RETURN(base::TempDir dir, base::TempDir::Create("", "zlreg-"));
  return Launch(
      "auth:\n  token:\n    realm: " + endpoint.realm() + "\n    service: " +
          endpoint.service() + "\n    issuer: " + endpoint.issuer().issuer() +
          "\n    rootcertbundle: " + endpoint.issuer().cert_path() + "\n",
      std::move(dir));
}

RegistryServer::~RegistryServer() { child_.Terminate(); }

}  // namespace zlayer::registry::testing
