#include "store/image_name.h"

namespace zlayer::store {
namespace {

constexpr size_t kMaxNameLength = 255;
constexpr size_t kMaxTagLength = 128;

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool IsPathComponent(std::string_view part) {
  if (part.empty() || !IsLowerAlnum(part.front()) ||
      !IsLowerAlnum(part.back())) {
    return false;
  }
  for (size_t i = 0; i < part.size();) {
    if (IsLowerAlnum(part[i])) {
      ++i;
      continue;
    }
    size_t run = part.find_first_not_of(part[i], i) - i;
    bool ok = (part[i] == '.' && run == 1) || (part[i] == '_' && run <= 2) ||
              part[i] == '-';
    if (!ok) return false;
    i += run;
  }
  return true;
}

// host[:port], host being dot-separated labels or a bracketed IPv6 address.
bool IsDomain(std::string_view domain) {
  std::string_view host = domain;
  if (size_t colon = domain.rfind(':');
      colon != std::string_view::npos && domain.back() != ']') {
    std::string_view port = domain.substr(colon + 1);
    if (port.empty() ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    host = domain.substr(0, colon);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return host.find_first_not_of("0123456789abcdefABCDEF:.", 1) ==
           host.size() - 1;
  }
  if (host.empty() || host.front() == '.' || host.back() == '.') return false;
  for (char c : host) {
    if (!IsAlnum(c) && c != '.' && c != '-') return false;
  }
  return host.find("..") == std::string_view::npos;
}

// Docker's rule: the first component is a registry host when it contains
// '.' or ':', is "localhost", or has an uppercase letter.
bool LooksLikeDomain(std::string_view component) {
  if (component == "localhost") return true;
  for (char c : component) {
    if (c == '.' || c == ':' || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

std::optional<std::string> CheckRepository(std::string_view repo) {
  if (repo.empty()) return "empty repository name";
  if (repo.size() > kMaxNameLength) return "repository name is too long";
  size_t start = 0;
  size_t slash = repo.find('/');
  if (slash != std::string_view::npos &&
      LooksLikeDomain(repo.substr(0, slash))) {
    if (!IsDomain(repo.substr(0, slash))) return "invalid registry host";
    start = slash + 1;
  }
  std::string_view path = repo.substr(start);
  for (char c : path) {
    if (c >= 'A' && c <= 'Z') return "repository name must be lowercase";
  }
  while (true) {
    size_t end = path.find('/');
    if (!IsPathComponent(path.substr(0, end))) {
      return "invalid repository name component";
    }
    if (end == std::string_view::npos) return std::nullopt;
    path.remove_prefix(end + 1);
  }
}

std::optional<std::string> CheckTag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) {
    return "a tag must have 1 to 128 characters";
  }
  if (tag.front() == '.' || tag.front() == '-') {
    return "a tag must not start with '.' or '-'";
  }
  for (char c : tag) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') {
      return "a tag may only contain letters, digits, '_', '.' and '-'";
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> NormalizeTagName(std::string_view name) {
  auto invalid = [&](std::string_view why) {
    return Fail(
        "invalid image name \"" + std::string(name) + "\": " + std::string(why),
        ErrorKind::kInvalid);
  };
  if (name.find('@') != std::string_view::npos) {
    return invalid("a digest reference cannot name a tag");
  }
  std::string_view repo = name;
  std::string_view tag = "latest";
  size_t colon = name.rfind(':');
  size_t slash = name.rfind('/');
  if (colon != std::string_view::npos &&
      (slash == std::string_view::npos || colon > slash)) {
    repo = name.substr(0, colon);
    tag = name.substr(colon + 1);
  }
  if (auto why = CheckRepository(repo)) return invalid(*why);
  if (auto why = CheckTag(tag)) return invalid(*why);
  return std::string(repo) + ":" + std::string(tag);
}

std::optional<std::string> IdHexPrefix(std::string_view ref) {
  size_t min_digits = 4;
  if (ref.starts_with("sha256:")) {
    ref.remove_prefix(7);
    min_digits = 1;
  }
  if (ref.size() < min_digits || ref.size() > 64) return std::nullopt;
  for (char c : ref) {
    if (!IsHex(c)) return std::nullopt;
  }
  return std::string(ref);
}

std::optional<std::string_view> DigestPart(std::string_view ref) {
  size_t at = ref.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  return ref.substr(at + 1);
}

}  // namespace zlayer::store
