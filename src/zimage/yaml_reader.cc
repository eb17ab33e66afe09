#include "zimage/yaml_reader.h"

#include <algorithm>
#include <set>

namespace zlayer::zimage::internal {
namespace {

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

std::string Quoted(std::string_view name) {
  // Not `"'" + std::string(name)`: GCC 12 warns falsely (-Wrestrict).
  std::string out = "'";
  out += name;
  out += '\'';
  return out;
}

bool IsPlain(const YAML::Node& node) { return node.Tag() == "?"; }

}  // namespace

std::string JoinKeys(KeyList keys) {
  std::string out;
  for (std::string_view k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

Mark Reader::MarkOf(const YAML::Node& node, Mark fallback) {
  if (!node.IsDefined() || node.IsNull()) return fallback;
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return fallback;
  return Mark{m.line + 1, m.column + 1};
}

std::optional<std::vector<Entry>> Reader::Mapping(
    const YAML::Node& node, Mark mark, std::string_view prefix,
    std::string_view name, std::string_view where, KeyList allowed) {
  if (!node.IsMap()) {
    Error(MarkOf(node, mark), std::string(prefix) + Quoted(name) +
                                  " must be a mapping, got " + Describe(node));
    return std::nullopt;
  }
  std::vector<Entry> out;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const Mark key_mark = MarkOf(kv.first, mark);
    if (!kv.first.IsScalar()) {
      Error(key_mark, std::string(prefix) + "keys of " + Quoted(name) +
                          " must be strings");
      continue;
    }
    std::string key = kv.first.Scalar();
    if (allowed.size() > 0 &&
        std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      Error(key_mark, "unknown key " + Quoted(key) + " " + std::string(where) +
                          " (allowed: " + JoinKeys(allowed) + ")");
      continue;
    }
    if (!seen.insert(key).second) {
      Error(key_mark, std::string(prefix) + "duplicate key " + Quoted(key) +
                          " in " + Quoted(name));
      continue;
    }
    out.push_back(Entry{std::move(key), key_mark, kv.second});
  }
  return out;
}

std::vector<KeyValue> Reader::StringMap(const Entry& entry,
                                        std::string_view prefix) {
  std::vector<KeyValue> out;
  std::optional<std::vector<Entry>> items =
      Mapping(entry.value, entry.mark, prefix, entry.key, "", {});
  if (!items) return out;
  for (const Entry& item : *items) {
    if (item.key.empty()) {
      Error(item.mark,
            std::string(prefix) + "empty name in " + Quoted(entry.key));
      continue;
    }
    if (!item.value.IsScalar()) {
      Error(
          MarkOf(item.value, item.mark),
          std::string(prefix) + Quoted(entry.key + "." + item.key) +
              " must be a string, got " + Describe(item.value) +
              (item.value.IsNull() ? " (write \"\" for an empty value)" : ""));
      continue;
    }
    out.push_back(KeyValue{item.key, item.value.Scalar(), item.mark});
  }
  return out;
}

std::optional<Text> Reader::String(const Entry& entry,
                                   std::string_view prefix) {
  if (!entry.value.IsScalar()) {
    Error(MarkOf(entry.value, entry.mark),
          std::string(prefix) + Quoted(entry.key) + " must be a string, got " +
              Describe(entry.value));
    return std::nullopt;
  }
  return Text{entry.value.Scalar(), MarkOf(entry.value, entry.mark)};
}

std::optional<bool> Reader::Bool(const Entry& entry, std::string_view prefix) {
  if (entry.value.IsScalar() && IsPlain(entry.value)) {
    const std::string& s = entry.value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  Error(MarkOf(entry.value, entry.mark),
        std::string(prefix) + Quoted(entry.key) +
            " must be a boolean (true or false), got " + Describe(entry.value));
  return std::nullopt;
}

std::optional<unsigned> Reader::Unsigned(const Entry& entry,
                                         std::string_view prefix) {
  if (entry.value.IsScalar() && IsPlain(entry.value)) {
    const std::string& s = entry.value.Scalar();
    if (!s.empty() && s.size() <= 9 &&
        std::all_of(s.begin(), s.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      return static_cast<unsigned>(std::stoul(s));
    }
  }
  Error(MarkOf(entry.value, entry.mark),
        std::string(prefix) + Quoted(entry.key) +
            " must be a non-negative integer, got " + Describe(entry.value));
  return std::nullopt;
}

std::optional<std::vector<Text>> Reader::StringList(const Entry& entry,
                                                    std::string_view prefix,
                                                    bool single_ok) {
  const Mark mark = MarkOf(entry.value, entry.mark);
  if (single_ok && entry.value.IsScalar()) {
    return std::vector<Text>{Text{entry.value.Scalar(), mark}};
  }
  const std::string expected = single_ok
                                   ? " must be a string or a list of strings"
                                   : " must be a list of strings";
  if (!entry.value.IsSequence()) {
    Error(mark, std::string(prefix) + Quoted(entry.key) + expected + ", got " +
                    Describe(entry.value));
    return std::nullopt;
  }
  // Bad items are reported and left out, so the good ones are still
  // checked (every problem of a file is reported).
  std::vector<Text> out;
  for (const YAML::Node& item : entry.value) {
    if (!item.IsScalar()) {
      Error(MarkOf(item, mark), std::string(prefix) + Quoted(entry.key) +
                                    expected + ", got an item that is " +
                                    Describe(item));
      continue;
    }
    out.push_back(Text{item.Scalar(), MarkOf(item, mark)});
  }
  return out;
}

std::optional<Command> Reader::ReadCommand(const YAML::Node& node, Mark mark,
                                           std::string_view prefix,
                                           std::string_view name,
                                           bool allow_empty) {
  Command cmd;
  cmd.mark = MarkOf(node, mark);
  if (node.IsScalar()) {
    cmd.shell = node.Scalar();
    if (cmd.shell.find_first_not_of(" \t\r\n") == std::string::npos) {
      Error(cmd.mark, std::string(prefix) + Quoted(name) +
                          " must not be an empty command");
      return std::nullopt;
    }
    return cmd;
  }
  std::optional<std::vector<Text>> list =
      StringList(Entry{std::string(name), mark, node}, prefix, true);
  if (!list) return std::nullopt;
  cmd.exec_form = true;
  for (Text& t : *list) cmd.args.push_back(std::move(t.value));
  if (cmd.args.empty() && !allow_empty) {
    Error(cmd.mark,
          std::string(prefix) + Quoted(name) + " must not be an empty list");
    return std::nullopt;
  }
  return cmd;
}

}  // namespace zlayer::zimage::internal
