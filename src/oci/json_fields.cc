#include "oci/json_fields.h"

#include <limits>

#include "oci/timestamp.h"

namespace zlayer::oci::internal {
namespace {

std::string Got(const Json& value) {
  return std::string("got ") + value.type_name();
}

Status WantString(const Json& value, std::string_view path) {
  if (value.is_string()) return Ok();
  return Invalid(path, "want a string, " + Got(value));
}

}  // namespace

Result<Json> ParseJson(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    // Drop nlohmann's "[json.exception.parse_error.101] " tag.
    std::string_view message = e.what();
    if (size_t end = message.find("] "); end != std::string_view::npos) {
      message.remove_prefix(end + 2);
    }
    return Fail("invalid JSON: " + std::string(message), ErrorKind::kInvalid);
  }
}

std::string Dump(const OrderedJson& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string MemberPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string ElementPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::unexpected<Error> Invalid(std::string_view path,
                               std::string_view message) {
  if (path.empty()) return Fail(std::string(message), ErrorKind::kInvalid);
  return Fail(std::string(path) + ": " + std::string(message),
              ErrorKind::kInvalid);
}

Result<ObjectReader> ObjectReader::Open(const Json& value, std::string path) {
  if (!value.is_object()) {
    return Invalid(path, "want an object, " + Got(value));
  }
  return ObjectReader(value, std::move(path));
}

const Json* ObjectReader::Find(std::string_view key) const {
  auto it = object_->find(std::string(key));
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

Result<const Json*> ObjectReader::Require(std::string_view key) const {
  const Json* value = Find(key);
  if (value == nullptr)
    return Invalid(PathOf(key), "required field is missing");
  return value;
}

Status ObjectReader::String(std::string_view key, std::string& out,
                            Presence presence) const {
  const Json* value = Find(key);
  if (value == nullptr) {
    if (presence == Presence::kOptional) return Ok();
    return Invalid(PathOf(key), "required field is missing");
  }
  ZL_RETURN_IF_ERROR(WantString(*value, PathOf(key)));
  out = value->get<std::string>();
  return Ok();
}

Status ObjectReader::Int64(std::string_view key, int64_t& out,
                           Presence presence) const {
  const Json* value = Find(key);
  if (value == nullptr) {
    if (presence == Presence::kOptional) return Ok();
    return Invalid(PathOf(key), "required field is missing");
  }
  if (value->is_number_unsigned()) {
    uint64_t number = value->get<uint64_t>();
    if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Invalid(PathOf(key), "number " + value->dump() + " is too large");
    }
    out = static_cast<int64_t>(number);
    return Ok();
  }
  if (value->is_number_integer()) {
    out = value->get<int64_t>();
    return Ok();
  }
  return Invalid(
      PathOf(key),
      "want an integer, " +
          (value->is_number_float() ? "got " + value->dump() : Got(*value)));
}

Status ObjectReader::Bool(std::string_view key, bool& out) const {
  const Json* value = Find(key);
  if (value == nullptr) return Ok();
  if (!value->is_boolean()) {
    return Invalid(PathOf(key), "want true or false, " + Got(*value));
  }
  out = value->get<bool>();
  return Ok();
}

Status ObjectReader::StringList(std::string_view key,
                                std::vector<std::string>& out) const {
  ZL_ASSIGN_OR_RETURN(auto elements, ArrayElements(*this, key));
  std::vector<std::string> strings;
  strings.reserve(elements.size());
  for (size_t i = 0; i < elements.size(); ++i) {
    ZL_RETURN_IF_ERROR(WantString(*elements[i], ElementPath(PathOf(key), i)));
    strings.push_back(elements[i]->get<std::string>());
  }
  out = std::move(strings);
  return Ok();
}

Status ObjectReader::StringMap(std::string_view key,
                               std::map<std::string, std::string>& out) const {
  const Json* value = Find(key);
  if (value == nullptr) return Ok();
  ZL_ASSIGN_OR_RETURN(ObjectReader members, Open(*value, PathOf(key)));
  std::map<std::string, std::string> result;
  for (const auto& [name, member] : value->items()) {
    ZL_RETURN_IF_ERROR(WantString(member, members.PathOf(name)));
    result.emplace(name, member.get<std::string>());
  }
  out = std::move(result);
  return Ok();
}

Status ObjectReader::KeySet(std::string_view key,
                            std::set<std::string>& out) const {
  const Json* value = Find(key);
  if (value == nullptr) return Ok();
  ZL_ASSIGN_OR_RETURN(ObjectReader members, Open(*value, PathOf(key)));
  std::set<std::string> result;
  for (const auto& [name, member] : value->items()) {
    if (!member.is_object()) {
      return Invalid(members.PathOf(name), "want {}, " + Got(member));
    }
    result.insert(name);
  }
  out = std::move(result);
  return Ok();
}

Status ObjectReader::Digest(std::string_view key, base::Digest& out,
                            Presence presence) const {
  std::string text;
  ZL_RETURN_IF_ERROR(String(key, text, presence));
  if (text.empty() && presence == Presence::kOptional) return Ok();
  auto digest = base::Digest::Parse(text);
  if (!digest) return std::unexpected(digest.error().AddContext(PathOf(key)));
  out = std::move(*digest);
  return Ok();
}

Status ObjectReader::DigestList(std::string_view key,
                                std::vector<base::Digest>& out) const {
  std::vector<std::string> texts;
  ZL_RETURN_IF_ERROR(StringList(key, texts));
  std::vector<base::Digest> digests;
  digests.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    auto digest = base::Digest::Parse(texts[i]);
    if (!digest) {
      return std::unexpected(
          digest.error().AddContext(ElementPath(PathOf(key), i)));
    }
    digests.push_back(std::move(*digest));
  }
  out = std::move(digests);
  return Ok();
}

Status ObjectReader::Timestamp(std::string_view key, std::string& out) const {
  std::string text;
  ZL_RETURN_IF_ERROR(String(key, text));
  if (text.empty()) return Ok();
  auto parsed = ParseTimestamp(text);
  if (!parsed) return std::unexpected(parsed.error().AddContext(PathOf(key)));
  out = std::move(text);
  return Ok();
}

Result<std::vector<const Json*>> ArrayElements(const ObjectReader& reader,
                                               std::string_view key) {
  const Json* value = reader.Find(key);
  std::vector<const Json*> elements;
  if (value == nullptr) return elements;
  if (!value->is_array()) {
    return Invalid(reader.PathOf(key), "want an array, " + Got(*value));
  }
  elements.reserve(value->size());
  for (const Json& element : *value) elements.push_back(&element);
  return elements;
}

void PutString(OrderedJson& object, std::string_view key,
               const std::string& value) {
  if (!value.empty()) object[std::string(key)] = value;
}

void PutStringList(OrderedJson& object, std::string_view key,
                   const std::vector<std::string>& values) {
  if (!values.empty()) object[std::string(key)] = values;
}

void PutStringMap(OrderedJson& object, std::string_view key,
                  const std::map<std::string, std::string>& values) {
  if (values.empty()) return;
  // Members in sorted order, as Go's encoder writes maps.
  OrderedJson map = OrderedJson::object();
  for (const auto& [name, value] : values) map[name] = value;
  object[std::string(key)] = std::move(map);
}

void PutKeySet(OrderedJson& object, std::string_view key,
               const std::set<std::string>& keys) {
  if (keys.empty()) return;
  OrderedJson set = OrderedJson::object();
  for (const std::string& name : keys) set[name] = OrderedJson::object();
  object[std::string(key)] = std::move(set);
}

void PutInt64(OrderedJson& object, std::string_view key, int64_t value) {
  if (value != 0) object[std::string(key)] = value;
}

}  // namespace zlayer::oci::internal
