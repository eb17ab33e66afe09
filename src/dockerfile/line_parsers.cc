#include "dockerfile/line_parsers.h"

#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

constexpr char kNotStringArray[] =
    "when using JSON array syntax, arrays must be comprised of strings only";

enum class JsonParse { kOk, kNotJson, kNotStrings };

// A JSON array of strings (exec form). Anything that is not a well-formed
// array falls back to the non-JSON form; an array holding a non-string is an
// error.
JsonParse ParseJsonArray(std::string_view rest, std::vector<std::string>& out) {
  rest = base::TrimLeftSpace(rest);
  if (rest.empty() || rest[0] != '[') return JsonParse::kNotJson;
  nlohmann::json doc = nlohmann::json::parse(rest, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) return JsonParse::kNotJson;
  out.clear();
  for (const auto& element : doc) {
    if (!element.is_string()) return JsonParse::kNotStrings;
    out.push_back(element.get<std::string>());
  }
  return JsonParse::kOk;
}

void ParseWhitespaceDelimited(std::string_view rest, Node& node) {
  if (rest.empty()) return;
  for (std::string_view part : text::SplitBlank(rest, -1)) {
    node.args.emplace_back(part);
  }
}

// Takes the exec form when `rest` is a JSON array of strings; returns false
// (node untouched) for any other text.
Result<bool> TryJsonForm(std::string_view rest, Node& node) {
  switch (ParseJsonArray(rest, node.args)) {
    case JsonParse::kOk:
      node.json = true;
      return true;
    case JsonParse::kNotStrings:
      return Fail(kNotStringArray, ErrorKind::kInvalid);
    case JsonParse::kNotJson:
      break;
  }
  node.args.clear();
  return false;
}

Status ParseMaybeJson(std::string_view rest, Node& node) {
  if (rest.empty()) return Ok();
  ZL_ASSIGN_OR_RETURN(bool json, TryJsonForm(rest, node));
  if (!json) node.args = {std::string(rest)};
  return Ok();
}

Status ParseMaybeJsonToList(std::string_view rest, Node& node) {
  ZL_ASSIGN_OR_RETURN(bool json, TryJsonForm(rest, node));
  if (!json) ParseWhitespaceDelimited(rest, node);
  return Ok();
}

// ENV and LABEL: the legacy `KEY name value` form when the first word has no
// '=', else `name=value ...`. Each pair becomes key, value, separator.
Status ParseNameVal(std::string_view rest, std::string_view keyword,
                    char32_t escape, Node& node) {
  std::vector<std::string> words = ParseWords(rest, escape);
  if (words.empty()) return Ok();
  if (words[0].find('=') == std::string::npos) {
    std::vector<std::string_view> parts = text::SplitBlank(rest, 2);
    if (parts.size() < 2) {
      return Fail(std::string(keyword) + " must have two arguments",
                  ErrorKind::kInvalid);
    }
    node.args = {std::string(parts[0]), std::string(parts[1]), ""};
    return Ok();
  }
  for (const std::string& word : words) {
    size_t eq = word.find('=');
    if (eq == std::string::npos) {
      return Fail("Syntax error - can't find = in " + text::GoQuote(word) +
                      ". Must be of the form: name=value",
                  ErrorKind::kInvalid);
    }
    node.args.push_back(word.substr(0, eq));
    node.args.push_back(word.substr(eq + 1));
    node.args.push_back("=");
  }
  return Ok();
}

// HEALTHCHECK: a type word (CMD, NONE, ...) then a command in either form.
Status ParseHealthConfig(std::string_view rest, Node& node) {
  // Byte-wise like BuildKit; only ASCII blanks matter in practice.
  auto is_space = [](char c) {
    return base::IsSpaceRune(static_cast<unsigned char>(c));
  };
  size_t sep = 0;
  while (sep < rest.size() && !is_space(rest[sep])) ++sep;
  size_t next = sep;
  while (next < rest.size() && is_space(rest[next])) ++next;
  if (sep == 0) return Ok();
  Node command;
  ZL_RETURN_IF_ERROR(ParseMaybeJson(rest.substr(next), command));
  node.args.emplace_back(rest.substr(0, sep));
  node.args.insert(node.args.end(), command.args.begin(), command.args.end());
  node.json = command.json;
  return Ok();
}

}  // namespace

Status ParseArguments(std::string_view name, std::string_view rest,
                      char32_t escape, LineParser parse_line, Node& node) {
  if (name == "add" || name == "copy" || name == "volume") {
    return ParseMaybeJsonToList(rest, node);
  }
  if (name == "cmd" || name == "entrypoint" || name == "run" ||
      name == "shell") {
    return ParseMaybeJson(rest, node);
  }
  if (name == "env") return ParseNameVal(rest, "ENV", escape, node);
  if (name == "label") return ParseNameVal(rest, "LABEL", escape, node);
  if (name == "arg") {
    node.args = ParseWords(rest, escape);
    return Ok();
  }
  if (name == "expose" || name == "from") {
    ParseWhitespaceDelimited(rest, node);
    return Ok();
  }
  if (name == "maintainer" || name == "stopsignal" || name == "user" ||
      name == "workdir") {
    if (!rest.empty()) node.args = {std::string(rest)};
    return Ok();
  }
  if (name == "healthcheck") return ParseHealthConfig(rest, node);
  if (name == "onbuild") {
    if (rest.empty()) return Ok();
    ZL_ASSIGN_OR_RETURN(Node child, parse_line(rest, escape));
    node.sub.push_back(std::move(child));
    return Ok();
  }
  node.args = {""};
  return Ok();
}

}  // namespace zlayer::dockerfile
