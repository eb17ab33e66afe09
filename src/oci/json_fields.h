// Strict, exception-free reading of JSON documents and deterministic writing,
// shared by the descriptor, config, manifest and index codecs. Readers name
// the exact member at fault ("layers[2].digest: invalid digest ..."), treat
// null like an absent member (Docker writes "Cmd": null) and reject wrong
// types instead of coercing them. Writers insert keys in a fixed order and
// omit empty optional members, as Docker and BuildKit do.
#ifndef ZLAYER_OCI_JSON_FIELDS_H_
#define ZLAYER_OCI_JSON_FIELDS_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/sha256.h"
#include "zlayer/result.h"

namespace zlayer::oci::internal {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Parses a complete document. Errors are kInvalid and carry the parser's
// position: "invalid JSON: parse error at line 1, column 9: ...".
Result<Json> ParseJson(std::string_view text);

// Compact text with keys in insertion order. Invalid UTF-8 in strings is
// replaced by U+FFFD, exactly as Go's encoding/json does, so serialization
// never fails.
std::string Dump(const OrderedJson& value);

// "parent.key", or "key" at the top level.
std::string MemberPath(std::string_view parent, std::string_view key);
// "parent[index]".
std::string ElementPath(std::string_view parent, size_t index);

// "<path>: <message>" as a kInvalid error (the path may be empty).
std::unexpected<Error> Invalid(std::string_view path, std::string_view message);

enum class Presence { kOptional, kRequired };

// Typed access to the members of one JSON object. Every error names the
// member by its full path. Optional members that are absent or null leave
// the output untouched.
class ObjectReader {
 public:
  // Fails unless `value` is an object.
  static Result<ObjectReader> Open(const Json& value, std::string path);

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const {
    return MemberPath(path_, key);
  }

  // The member, or nullptr when it is absent or null.
  const Json* Find(std::string_view key) const;
  // The member, or an error "<path>: required field is missing".
  Result<const Json*> Require(std::string_view key) const;

  Status String(std::string_view key, std::string& out,
                Presence presence = Presence::kOptional) const;
  Status Int64(std::string_view key, int64_t& out,
               Presence presence = Presence::kOptional) const;
  Status Bool(std::string_view key, bool& out) const;
  Status StringList(std::string_view key, std::vector<std::string>& out) const;
  Status StringMap(std::string_view key,
                   std::map<std::string, std::string>& out) const;
  // An object used as a set, {"80/tcp": {}}; each value must be an object.
  Status KeySet(std::string_view key, std::set<std::string>& out) const;
  Status Digest(std::string_view key, base::Digest& out,
                Presence presence = Presence::kOptional) const;
  Status DigestList(std::string_view key, std::vector<base::Digest>& out) const;
  // An RFC 3339 timestamp, kept as written.
  Status Timestamp(std::string_view key, std::string& out) const;

 private:
  ObjectReader(const Json& object, std::string path)
      : object_(&object), path_(std::move(path)) {}

  const Json* object_;
  std::string path_;
};

// The elements of an array member (absent or null gives none).
Result<std::vector<const Json*>> ArrayElements(const ObjectReader& reader,
                                               std::string_view key);

// Writers that skip empty values, for members Docker tags `omitempty`.
void PutString(OrderedJson& object, std::string_view key,
               const std::string& value);
void PutStringList(OrderedJson& object, std::string_view key,
                   const std::vector<std::string>& values);
void PutStringMap(OrderedJson& object, std::string_view key,
                  const std::map<std::string, std::string>& values);
void PutKeySet(OrderedJson& object, std::string_view key,
               const std::set<std::string>& keys);
void PutInt64(OrderedJson& object, std::string_view key, int64_t value);

}  // namespace zlayer::oci::internal

#endif  // ZLAYER_OCI_JSON_FIELDS_H_
