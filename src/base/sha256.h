// SHA-256 over OpenSSL, and the OCI content digest built on it. Every blob
// the store, the layer writer and the registry client touch is named by a
// Digest, so parsing one from untrusted manifests validates it fully.
#ifndef ZLAYER_BASE_SHA256_H_
#define ZLAYER_BASE_SHA256_H_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "zlayer/result.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace zlayer::base {

// Streaming SHA-256. A moved-from object may only be destroyed or assigned.
class Sha256 {
 public:
  static constexpr size_t kSize = 32;
  using Bytes = std::array<uint8_t, kSize>;

  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  void Update(std::span<const uint8_t> data);

  // Returns the digest of everything since construction or the last Finish
  // and starts over.
  Bytes Finish();
  // Finish() as 64 lowercase hex digits.
  std::string HexDigest();

 private:
  EVP_MD_CTX* ctx_;
};

// Lowercase hex.
std::string HexEncode(std::span<const uint8_t> bytes);

std::string Sha256Hex(std::string_view data);

// Hashes a file in chunks; errors name the path.
Result<std::string> Sha256File(const std::string& path);

// An OCI content digest, "sha256:<64 lowercase hex digits>". Only sha256 is
// supported; other well-formed algorithms are rejected as kUnsupported.
class Digest {
 public:
  Digest() = default;  // empty, e.g. a field not yet filled in

  static Result<Digest> Parse(std::string_view text);
  // From the 64 hex digits alone.
  static Result<Digest> FromHex(std::string_view hex);
  static Digest FromBytes(const Sha256::Bytes& bytes);
  // The digest of `data`.
  static Digest Of(std::string_view data);

  bool empty() const { return text_.empty(); }
  // "sha256", or empty for an empty Digest.
  std::string_view algorithm() const;
  std::string_view hex() const;
  // "sha256:<hex>", or empty for an empty Digest.
  const std::string& ToString() const { return text_; }

  friend bool operator==(const Digest&, const Digest&) = default;
  friend std::strong_ordering operator<=>(const Digest&,
                                          const Digest&) = default;

 private:
  explicit Digest(std::string text) : text_(std::move(text)) {}

  std::string text_;
};

}  // namespace zlayer::base

template <>
struct std::hash<zlayer::base::Digest> {
  size_t operator()(const zlayer::base::Digest& digest) const noexcept {
    return std::hash<std::string>()(digest.ToString());
  }
};

#endif  // ZLAYER_BASE_SHA256_H_
