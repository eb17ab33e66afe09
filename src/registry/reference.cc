#include "registry/reference.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace zlayer::registry {
namespace {

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kLegacyDockerHub = "index.docker.io";
constexpr std::string_view kOfficialPrefix = "library/";
constexpr size_t kNameMaxLength = 255;

// The grammar below mirrors distribution/reference's regular expressions
// (regexp.go) one production at a time; hand-written so that no input can
// make a backtracking matcher go exponential.

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)); }
bool IsWordChar(char c) { return IsAlnum(c) || c == '_'; }
bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// pathComponent: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool ValidPathComponent(std::string_view s) {
  size_t i = 0;
  auto alnum_run = [&] {
    size_t start = i;
    while (i < s.size() && IsLowerAlnum(s[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

// remoteName: pathComponent (/ pathComponent)*
bool ValidRemoteName(std::string_view s) {
  while (true) {
    size_t slash = s.find('/');
    if (!ValidPathComponent(s.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    s.remove_prefix(slash + 1);
  }
}

// domainNameComponent: [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool ValidDomainComponent(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '-'; });
}

// domainAndPort: (domainName | \[[a-fA-F0-9:]+\]) (:[0-9]+)?
bool ValidDomainAndPort(std::string_view s) {
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    std::string_view inner = s.substr(1, close - 1);
    if (!std::all_of(inner.begin(), inner.end(),
                     [](char c) { return IsHex(c) || c == ':'; })) {
      return false;
    }
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
  } else {
    size_t colon = s.find(':');
    std::string_view host = s.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = s.substr(colon + 1);
      if (port.empty()) return false;
    }
    while (true) {
      size_t dot = host.find('.');
      if (!ValidDomainComponent(host.substr(0, dot))) return false;
      if (dot == std::string_view::npos) break;
      host.remove_prefix(dot + 1);
    }
  }
  return std::all_of(port.begin(), port.end(), IsDigit);
}

// tag: [\w][\w.-]{0,127}
bool ValidTag(std::string_view s) {
  if (s.empty() || s.size() > 128 || !IsWordChar(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return IsWordChar(c) || c == '.' || c == '-';
  });
}

// digestPat:
// [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[[:xdigit:]]{32,}
bool MatchesDigestPattern(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view algorithm = s.substr(0, colon);
  std::string_view encoded = s.substr(colon + 1);
  if (encoded.size() < 32 ||
      !std::all_of(encoded.begin(), encoded.end(), IsHex))
    return false;
  bool need_letter = true;
  for (char c : algorithm) {
    bool letter = std::isalpha(static_cast<unsigned char>(c));
    if (need_letter) {
      if (!letter) return false;
      need_letter = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      need_letter = true;
    } else if (!IsAlnum(c)) {
      return false;
    }
  }
  return !need_letter;
}

// go-digest's check after the pattern: a registered algorithm and an
// encoding of exactly its length in lowercase hex.
std::string DigestProblem(std::string_view digest) {
  size_t colon = digest.find(':');
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view encoded = digest.substr(colon + 1);
  size_t want = 0;
  if (algorithm == "sha256") {
    want = 64;
  } else if (algorithm == "sha384") {
    want = 96;
  } else if (algorithm == "sha512") {
    want = 128;
  } else {
    return "unsupported digest algorithm \"" + std::string(algorithm) + "\"";
  }
  bool lower_hex = std::all_of(encoded.begin(), encoded.end(), [](char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'f');
  });
  if (encoded.size() != want || !lower_hex) {
    return "invalid digest \"" + std::string(digest) +
           "\": " + std::string(algorithm) + " needs " + std::to_string(want) +
           " lowercase hex digits";
  }
  return "";
}

bool IsHexIdentifier(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return IsDigit(c) || (c >= 'a' && c <= 'f');
         });
}

std::unexpected<Error> Invalid(std::string_view text, std::string_view why) {
  return Fail(
      "invalid reference \"" + std::string(text) + "\": " + std::string(why),
      ErrorKind::kInvalid);
}

struct Split {
  std::string domain;
  std::string remainder;
};

// splitDockerDomain, with the default registry as a parameter.
Split SplitDomain(std::string_view name, std::string_view default_registry) {
  Split split;
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    split = {std::string(default_registry), std::string(name)};
  } else {
    std::string_view first = name.substr(0, slash);
    std::string_view rest = name.substr(slash + 1);
    if (first == "localhost" ||
        first.find_first_of(".:") != std::string_view::npos ||
        ToLower(first) != first) {
      split = {std::string(first), std::string(rest)};
    } else {
      split = {std::string(default_registry), std::string(name)};
    }
  }
  if (split.domain == kLegacyDockerHub) split.domain = kDockerHub;
  if (split.domain == kDockerHub &&
      split.remainder.find('/') == std::string::npos) {
    split.remainder.insert(0, kOfficialPrefix);
  }
  return split;
}

}  // namespace

Result<Reference> ParseReference(std::string_view text,
                                 std::string_view default_registry) {
  if (text.empty()) {
    return Fail(
        "invalid reference \"\": repository name must have at least "
        "one component",
        ErrorKind::kInvalid);
  }
  if (!ValidDomainAndPort(default_registry)) {
    return Fail("invalid default registry \"" + std::string(default_registry) +
                    "\": not a host name or host:port",
                ErrorKind::kInvalid);
  }
  if (IsHexIdentifier(text)) {
    return Invalid(text, "cannot specify 64-byte hexadecimal strings");
  }
  Split split = SplitDomain(text, default_registry);
  // Docker checks case on everything up to the first ':' of the remainder,
  // which without a tag includes an "@algorithm" too.
  std::string_view remote =
      std::string_view(split.remainder).substr(0, split.remainder.find(':'));
  if (ToLower(remote) != remote) {
    return Invalid(text, "repository name \"" + std::string(remote) +
                             "\" must be lowercase");
  }

  Reference ref;
  ref.registry = split.domain;
  std::string_view rest = split.remainder;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!MatchesDigestPattern(ref.digest)) {
      return Invalid(text, "invalid digest \"" + ref.digest + "\"");
    }
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      rest.find('/', colon) == std::string_view::npos) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!ValidTag(ref.tag)) {
      return Invalid(text, "invalid tag \"" + ref.tag + "\"");
    }
  }
  ref.repository = std::string(rest);
  if (!ValidDomainAndPort(ref.registry)) {
    return Invalid(text, "invalid registry host \"" + ref.registry + "\"");
  }
  if (!ValidRemoteName(ref.repository)) {
    return Invalid(text, "invalid repository name \"" + ref.repository + "\"");
  }
  if (ref.Name().size() > kNameMaxLength) {
    return Invalid(text,
                   "repository name must not be more than 255 "
                   "characters");
  }
  if (!ref.digest.empty()) {
    if (std::string problem = DigestProblem(ref.digest); !problem.empty()) {
      return Invalid(text, problem);
    }
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string Reference::Name() const { return registry + "/" + repository; }

std::string Reference::String() const {
  std::string out = Name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::Familiar() const {
  std::string out;
  if (registry == kDockerHub) {
    std::string_view path = repository;
    if (path.starts_with(kOfficialPrefix) &&
        path.substr(kOfficialPrefix.size()).find('/') ==
            std::string_view::npos) {
      path.remove_prefix(kOfficialPrefix.size());
    }
    out = path;
  } else {
    out = Name();
  }
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::ApiHost() const {
  if (registry == kDockerHub) return "registry-1.docker.io";
  return registry;
}

bool Reference::IsLoopback() const { return IsLoopbackRegistry(registry); }

bool IsLoopbackRegistry(std::string_view registry) {
  std::string_view host = registry;
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    host = host.substr(1, close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    host = host.substr(0, host.find(':'));
  }
  std::string name = ToLower(host);
  if (name == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, name.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

std::string NormalizeRegistryHost(std::string_view host) {
  std::string lower = ToLower(host.substr(0, 8));
  if (lower.starts_with("https://")) {
    host.remove_prefix(8);
  } else if (lower.starts_with("http://")) {
    host.remove_prefix(7);
  }
  host = host.substr(0, host.find('/'));
  if (host == kLegacyDockerHub || host == "registry-1.docker.io" ||
      host == "registry.hub.docker.com") {
    return std::string(kDockerHub);
  }
  return std::string(host);
}

}  // namespace zlayer::registry
