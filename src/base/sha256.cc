#include "base/sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "base/unique_fd.h"

namespace zlayer::base {
namespace {

constexpr std::string_view kAlgorithm = "sha256";
constexpr size_t kHexLength = 2 * Sha256::kSize;
constexpr size_t kFileChunk = 256 * 1024;
constexpr size_t kMaxShown = 100;

// SHA-256 failing in OpenSSL means allocation failed or the installation is
// broken (no default provider); no caller could recover, and a constructor
// cannot return an error.
[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "zlayer: fatal: OpenSSL %s failed for SHA-256\n", what);
  std::abort();
}

// Fetched once: an implicit fetch on every EVP_DigestInit_ex costs a
// provider lookup, which shows when hashing many small files.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) Die("EVP_MD_fetch");
  return md;
}

// Quotes untrusted text for an error message, cut short if it is long.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  out += text.substr(0, kMaxShown);
  if (text.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

// OCI image-spec: algorithm-component ([a-z0-9]+) joined by [+._-].
bool IsAlgorithmSyntax(std::string_view algorithm) {
  bool need_component = true;
  for (char c : algorithm) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      need_component = false;
    } else if (!need_component &&
               (c == '+' || c == '.' || c == '_' || c == '-')) {
      need_component = true;
    } else {
      return false;
    }
  }
  return !need_component;
}

Status ValidateHex(std::string_view hex, std::string_view text) {
  if (hex.size() != kHexLength) {
    return Fail("invalid digest " + Quote(text) + ": want " +
                    std::to_string(kHexLength) + " hex digits, got " +
                    std::to_string(hex.size()),
                ErrorKind::kInvalid);
  }
  for (char c : hex) {
    if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
      return Fail("invalid digest " + Quote(text) + ": " +
                      Quote(std::string_view(&c, 1)) +
                      " is not a lowercase hex digit",
                  ErrorKind::kInvalid);
    }
  }
  return Ok();
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) Die("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(ctx_, Sha256Md(), nullptr) != 1) {
    Die("EVP_DigestInit_ex");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256::Sha256(Sha256&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void Sha256::Update(std::string_view data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
    Die("EVP_DigestUpdate");
  }
}

void Sha256::Update(std::span<const uint8_t> data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
    Die("EVP_DigestUpdate");
  }
}

Sha256::Bytes Sha256::Finish() {
  Bytes out;
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &length) != 1 || length != kSize) {
    Die("EVP_DigestFinal_ex");
  }
  if (EVP_DigestInit_ex(ctx_, Sha256Md(), nullptr) != 1) {
    Die("EVP_DigestInit_ex");
  }
  return out;
}

std::string Sha256::HexDigest() { return HexEncode(Finish()); }

std::string HexEncode(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Sha256 hash;
  hash.Update(data);
  return hash.HexDigest();
}

Result<std::string> Sha256File(const std::string& path) {
  ZL_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_RDONLY));
  Sha256 hash;
  std::string buffer(kFileChunk, '\0');
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("read " + path, errno);
    }
    if (n == 0) break;
    hash.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  return hash.HexDigest();
}

Result<Digest> Digest::Parse(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Fail("invalid digest " + Quote(text) + ": want <algorithm>:<hex>",
                ErrorKind::kInvalid);
  }
  std::string_view algorithm = text.substr(0, colon);
  if (algorithm != kAlgorithm) {
    if (!IsAlgorithmSyntax(algorithm)) {
      return Fail("invalid digest " + Quote(text) + ": bad algorithm " +
                      Quote(algorithm),
                  ErrorKind::kInvalid);
    }
    return Fail("unsupported digest algorithm " + Quote(algorithm) + " in " +
                    Quote(text),
                ErrorKind::kUnsupported);
  }
  ZL_RETURN_IF_ERROR(ValidateHex(text.substr(colon + 1), text));
  return Digest(std::string(text));
}

Result<Digest> Digest::FromHex(std::string_view hex) {
  ZL_RETURN_IF_ERROR(ValidateHex(hex, hex));
  return Digest(std::string(kAlgorithm) + ":" + std::string(hex));
}

Digest Digest::FromBytes(const Sha256::Bytes& bytes) {
  return Digest(std::string(kAlgorithm) + ":" + HexEncode(bytes));
}

Digest Digest::Of(std::string_view data) {
  Sha256 hash;
  hash.Update(data);
  return FromBytes(hash.Finish());
}

std::string_view Digest::algorithm() const {
  return empty() ? std::string_view() : kAlgorithm;
}

std::string_view Digest::hex() const {
  return empty() ? std::string_view()
                 : std::string_view(text_).substr(kAlgorithm.size() + 1);
}

}  // namespace zlayer::base
