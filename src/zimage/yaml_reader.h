// Typed reads from yaml-cpp nodes that report problems as diagnostics
// instead of throwing, so one pass over a file finds every error in it.
// Internal to the parser.
#ifndef ZLAYER_ZIMAGE_YAML_READER_H_
#define ZLAYER_ZIMAGE_YAML_READER_H_

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zimage/diagnostic.h"
#include "zimage/model.h"

namespace zlayer::zimage::internal {

// One key of a mapping, in document order.
struct Entry {
  std::string key;
  Mark mark;  // of the key
  YAML::Node value;
};

using KeyList = std::initializer_list<std::string_view>;

class Reader {
 public:
  explicit Reader(Diagnostics& diags) : diags_(diags) {}

  void Error(Mark mark, std::string message) {
    diags_.Add(mark, std::move(message));
  }

  // The node's position, or `fallback` for nodes yaml-cpp places oddly
  // (an empty value sits at the start of the next line).
  static Mark MarkOf(const YAML::Node& node, Mark fallback = {});

  // The entries of a mapping. Keys outside `allowed` are reported as
  // `unknown key 'k' in WHERE (allowed: ...)`, duplicates as such; both are
  // left out. A non-mapping is reported as `PREFIX'name' must be a mapping`.
  std::optional<std::vector<Entry>> Mapping(const YAML::Node& node, Mark mark,
                                            std::string_view prefix,
                                            std::string_view name,
                                            std::string_view where,
                                            KeyList allowed);
  // A mapping with any keys (env, labels, args): strings to strings.
  std::vector<KeyValue> StringMap(const Entry& entry, std::string_view prefix);

  // A scalar's literal text (numbers and booleans included).
  std::optional<Text> String(const Entry& entry, std::string_view prefix);
  // Plain `true`/`false` (YAML 1.2 core schema spellings).
  std::optional<bool> Bool(const Entry& entry, std::string_view prefix);
  std::optional<unsigned> Unsigned(const Entry& entry, std::string_view prefix);
  // A list of strings, or with `single_ok` also one string.
  std::optional<std::vector<Text>> StringList(const Entry& entry,
                                              std::string_view prefix,
                                              bool single_ok);
  // A string (shell form) or a list of strings (exec form). `allow_empty`:
  // whether an empty list is accepted (CMD [] clears, RUN [] is an error).
  std::optional<Command> ReadCommand(const YAML::Node& node, Mark mark,
                                     std::string_view prefix,
                                     std::string_view name, bool allow_empty);

 private:
  Diagnostics& diags_;
};

std::string JoinKeys(KeyList keys);

}  // namespace zlayer::zimage::internal

#endif  // ZLAYER_ZIMAGE_YAML_READER_H_
