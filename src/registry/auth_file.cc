#include "registry/auth_file.h"

#include <errno.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/subprocess.h"
#include "registry/reference.h"

namespace zlayer::registry {
namespace {

using Json = nlohmann::ordered_json;

// `docker login` files Docker Hub under its v1 index URL, and its helpers
// are asked for that URL; keeping to it lets docker and zlayer share logins.
constexpr std::string_view kDockerHubKey = "https://index.docker.io/v1/";
// Docker's helpers signal an identity token with this user name.
constexpr std::string_view kTokenUser = "<token>";

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v =
        (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kBase64Alphabet[(v >> shift) & 63];
  }
  if (size_t left = in.size() - i; left > 0) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (left == 2) v |= uint8_t(in[i + 1]) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += left == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Standard alphabet; padding optional (some tools drop it).
std::optional<std::string> Base64Decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    size_t v = kBase64Alphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string HelperUrl(std::string_view registry) {
  return registry == "docker.io" ? std::string(kDockerHubKey)
                                 : std::string(registry);
}

// A helper's complaint, cut to one line, with anything secret taken out in
// case a helper echoes its input.
std::string HelperMessage(const base::RunResult& run,
                          const Credentials* secret) {
  std::string text =
      run.stdout_data.empty() ? run.stderr_data : run.stdout_data;
  text = text.substr(0, text.find('\n'));
  if (text.size() > 300) text.resize(300);
  if (secret) {
    for (const std::string* s : {&secret->password, &secret->identity_token}) {
      if (s->empty()) continue;
      for (size_t at; (at = text.find(*s)) != std::string::npos;)
        text.replace(at, s->size(), "<redacted>");
    }
  }
  return text;
}

Result<base::RunResult> RunHelper(const std::string& helper,
                                  std::string_view action, std::string input) {
  base::SubprocessOptions options;
  options.stdin_mode = base::StdinMode::kData;
  options.stdin_data = std::move(input);
  options.timeout = std::chrono::minutes(2);
  return WithContext(
      base::Run({"docker-credential-" + helper, std::string(action)},
                std::move(options)),
      "credential helper docker-credential-" + helper + " " +
          std::string(action));
}

Status HelperFailed(const std::string& helper, std::string_view action,
                    std::string_view registry, const base::RunResult& run,
                    const Credentials* secret) {
  std::string message = "credential helper docker-credential-" + helper + " " +
                        std::string(action) + " for " + std::string(registry) +
                        ": " + run.status.ToString();
  if (std::string why = HelperMessage(run, secret); !why.empty())
    message += ": " + why;
  return Fail(message);
}

bool NotFoundOutput(const base::RunResult& run) {
  return run.stdout_data.find("credentials not found") != std::string::npos ||
         run.stderr_data.find("credentials not found") != std::string::npos;
}

Result<std::optional<Credentials>> HelperGet(const std::string& helper,
                                             std::string_view registry) {
  ZL_ASSIGN_OR_RETURN(base::RunResult run,
                      RunHelper(helper, "get", HelperUrl(registry)));
  if (!run.status.success()) {
    if (NotFoundOutput(run)) return std::nullopt;
    return std::unexpected(
        HelperFailed(helper, "get", registry, run, nullptr).error());
  }
  Json out = Json::parse(run.stdout_data, nullptr, false);
  if (out.is_discarded() || !out.is_object()) {
    return Fail("credential helper docker-credential-" + helper + " get for " +
                    std::string(registry) + ": output is not a JSON object",
                ErrorKind::kInvalid);
  }
  Credentials creds;
  auto field = [&](const char* name) -> std::string {
    auto it = out.find(name);
    return it != out.end() && it->is_string() ? it->get<std::string>() : "";
  };
  std::string user = field("Username");
  std::string secret = field("Secret");
  if (user.empty() && secret.empty()) return std::nullopt;
  if (user == kTokenUser) {
    creds.identity_token = std::move(secret);
  } else {
    creds.username = std::move(user);
    creds.password = std::move(secret);
  }
  return creds;
}

Status HelperStore(const std::string& helper, std::string_view registry,
                   const Credentials& creds) {
  Json input = Json::object();
  input["ServerURL"] = HelperUrl(registry);
  if (!creds.identity_token.empty()) {
    input["Username"] = kTokenUser;
    input["Secret"] = creds.identity_token;
  } else {
    input["Username"] = creds.username;
    input["Secret"] = creds.password;
  }
  ZL_ASSIGN_OR_RETURN(base::RunResult run,
                      RunHelper(helper, "store", input.dump()));
  if (!run.status.success())
    return HelperFailed(helper, "store", registry, run, &creds);
  return Ok();
}

// Makes the missing directories of `dir` with mode 0700: they will hold
// secrets.
Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return Ok();
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return Fail(dir + ": not a directory", ErrorKind::kInvalid);
    return Ok();
  }
  if (errno != ENOENT) return FailErrno("stat " + dir, errno);
  size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0)
    ZL_RETURN_IF_ERROR(MakeDirs(dir.substr(0, slash)));
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return FailErrno("mkdir " + dir, errno);
  return Ok();
}

}  // namespace

std::string DefaultAuthFile() {
  if (const char* file = std::getenv("REGISTRY_AUTH_FILE"); file && *file)
    return file;
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
    return std::string(dir) + "/config.json";
  std::string home;
  if (const char* env = std::getenv("HOME"); env && *env) {
    home = env;
  } else if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) {
    home = pw->pw_dir;
  }
  return home + "/.docker/config.json";
}

Result<AuthFile> AuthFile::Load(std::string path) {
  Result<std::string> text = base::ReadFile(path);
  if (!text) {
    if (text.error().errno_value() == ENOENT)
      return AuthFile(std::move(path), Json::object());
    return std::unexpected(text.error());
  }
  if (text->find_first_not_of(" \t\r\n") == std::string::npos)
    return AuthFile(std::move(path), Json::object());
  Json json;
  try {
    json = Json::parse(*text);
  } catch (const Json::parse_error& e) {
    // The parser's own message quotes the text it choked on, which may be
    // a secret; the byte offset is enough to find the fault.
    return Fail("auth file " + path + ": invalid JSON at byte " +
                    std::to_string(e.byte),
                ErrorKind::kInvalid);
  }
  auto bad = [&](std::string_view what) {
    return Fail("auth file " + path + ": " + std::string(what),
                ErrorKind::kInvalid);
  };
  if (!json.is_object()) return bad("not a JSON object");
  if (auto it = json.find("auths"); it != json.end()) {
    if (!it->is_object()) return bad("\"auths\" is not an object");
    for (const auto& [key, entry] : it->items()) {
      if (!entry.is_object())
        return bad("auths[\"" + key + "\"] is not an object");
    }
  }
  if (auto it = json.find("credHelpers"); it != json.end()) {
    if (!it->is_object()) return bad("\"credHelpers\" is not an object");
    for (const auto& [key, helper] : it->items()) {
      if (!helper.is_string() || helper.get<std::string>().empty())
        return bad("credHelpers[\"" + key + "\"] is not a helper name");
    }
  }
  if (auto it = json.find("credsStore"); it != json.end()) {
    if (!it->is_string()) return bad("\"credsStore\" is not a string");
  }
  return AuthFile(std::move(path), std::move(json));
}

std::optional<std::string> AuthFile::HelperFor(
    std::string_view registry) const {
  std::string host = NormalizeRegistryHost(registry);
  if (auto it = json_.find("credHelpers"); it != json_.end()) {
    for (const auto& [key, helper] : it->items()) {
      if (NormalizeRegistryHost(key) == host) return helper.get<std::string>();
    }
  }
  if (auto it = json_.find("credsStore"); it != json_.end()) {
    std::string store = it->get<std::string>();
    if (!store.empty()) return store;
  }
  return std::nullopt;
}

namespace {

// Keys of `auths` naming `host`, the exact spelling first.
std::vector<std::string> MatchingKeys(const Json& json,
                                      const std::string& host) {
  std::vector<std::string> keys;
  auto auths = json.find("auths");
  if (auths == json.end()) return keys;
  if (auths->contains(host)) keys.push_back(host);
  for (const auto& [key, entry] : auths->items()) {
    if (key != host && NormalizeRegistryHost(key) == host) keys.push_back(key);
  }
  return keys;
}

}  // namespace

Result<std::optional<Credentials>> AuthFile::Lookup(
    std::string_view registry) const {
  std::string host = NormalizeRegistryHost(registry);
  if (auto helpers = json_.find("credHelpers"); helpers != json_.end()) {
    for (const auto& [key, helper] : helpers->items()) {
      if (NormalizeRegistryHost(key) == host)
        return WithContext(HelperGet(helper.get<std::string>(), host),
                           "auth file " + path_);
    }
  }
  for (const std::string& key : MatchingKeys(json_, host)) {
    const Json& entry = json_["auths"][key];
    auto text = [&](const char* name) -> std::string {
      auto it = entry.find(name);
      return it != entry.end() && it->is_string() ? it->get<std::string>() : "";
    };
    Credentials creds;
    creds.identity_token = text("identitytoken");
    if (std::string auth = text("auth"); !auth.empty()) {
      std::optional<std::string> plain = Base64Decode(auth);
      size_t colon = plain ? plain->find(':') : std::string::npos;
      if (colon == std::string::npos) {
        return Fail("auth file " + path_ + ": auths[\"" + key +
                        "\"].auth is not base64 of user:password",
                    ErrorKind::kInvalid);
      }
      creds.username = plain->substr(0, colon);
      creds.password = plain->substr(colon + 1);
    } else {
      creds.username = text("username");
      creds.password = text("password");
    }
    if (creds.username.empty() && creds.password.empty() &&
        creds.identity_token.empty()) {
      continue;  // a placeholder left by a helper-backed login
    }
    return creds;
  }
  if (auto store = json_.find("credsStore"); store != json_.end()) {
    std::string helper = store->get<std::string>();
    if (!helper.empty())
      return WithContext(HelperGet(helper, host), "auth file " + path_);
  }
  return std::nullopt;
}

Status AuthFile::Save(std::string registry, Credentials credentials) {
  std::string host = NormalizeRegistryHost(registry);
  if (host.empty())
    return Fail("login: empty registry name", ErrorKind::kInvalid);
  std::optional<std::string> helper = HelperFor(host);
  if (helper) {
    ZL_RETURN_IF_ERROR(WithContext(HelperStore(*helper, host, credentials),
                                   "auth file " + path_));
  }
  std::vector<std::string> keys = MatchingKeys(json_, host);
  std::string key = !keys.empty()         ? keys.front()
                    : host == "docker.io" ? std::string(kDockerHubKey)
                                          : host;
  Json& auths = json_["auths"];
  if (!auths.is_object()) auths = Json::object();
  Json& entry = auths[key];
  if (!entry.is_object()) entry = Json::object();
  for (const char* field : {"auth", "identitytoken", "username", "password"})
    entry.erase(field);
  if (!helper) {
    if (!credentials.username.empty() || !credentials.password.empty()) {
      entry["auth"] =
          Base64Encode(credentials.username + ":" + credentials.password);
    }
    if (!credentials.identity_token.empty())
      entry["identitytoken"] = credentials.identity_token;
  }
  return Write();
}

Status AuthFile::Erase(std::string registry) {
  std::string host = NormalizeRegistryHost(registry);
  std::vector<std::string> keys = MatchingKeys(json_, host);
  bool found = !keys.empty();
  if (std::optional<std::string> helper = HelperFor(host)) {
    ZL_ASSIGN_OR_RETURN(base::RunResult run,
                        RunHelper(*helper, "erase", HelperUrl(host)));
    if (run.status.success()) {
      found = true;
    } else if (!NotFoundOutput(run)) {
      return WithContext(HelperFailed(*helper, "erase", host, run, nullptr),
                         "auth file " + path_);
    }
  }
  if (!found) {
    return Fail("not logged in to " + std::string(registry),
                ErrorKind::kNotFound);
  }
  for (const std::string& key : keys) json_["auths"].erase(key);
  if (keys.empty()) return Ok();
  return Write();
}

Status AuthFile::Write() const {
  size_t slash = path_.find_last_of('/');
  if (slash != std::string::npos && slash > 0)
    ZL_RETURN_IF_ERROR(MakeDirs(path_.substr(0, slash)));
  std::string text =
      json_.dump(1, '\t', false, Json::error_handler_t::replace) + "\n";
  return WithContext(base::WriteFileAtomic(path_, text, 0600),
                     "auth file " + path_);
}

}  // namespace zlayer::registry
