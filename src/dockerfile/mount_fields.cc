#include "dockerfile/mount_fields.h"

#include <charconv>

namespace zlayer::dockerfile {
namespace {

std::unexpected<Error> CsvError(size_t offset, std::string_view problem) {
  return Fail("parse error on line 1, column " + std::to_string(offset + 1) +
                  ": " + std::string(problem),
              ErrorKind::kInvalid);
}

constexpr std::string_view kBareQuote = "bare \" in non-quoted-field";
constexpr std::string_view kBadQuote =
    "extraneous or missing \" in quoted-field";

// Reads a quoted field starting just after its opening quote at `pos`.
// Returns the position after the field's closing quote.
Result<size_t> ReadQuoted(std::string_view line, size_t pos,
                          std::string& field) {
  while (true) {
    size_t quote = line.find('"', pos);
    if (quote == std::string_view::npos) return CsvError(pos, kBadQuote);
    field.append(line.substr(pos, quote - pos));
    pos = quote + 1;
    if (pos < line.size() && line[pos] == '"') {
      field.push_back('"');
      ++pos;
      continue;
    }
    if (pos == line.size() || line[pos] == ',') return pos;
    return CsvError(pos - 1, kBadQuote);
  }
}

}  // namespace

Result<std::vector<std::string>> SplitCsvRecord(std::string_view line) {
  // Like encoding/csv, one trailing newline is tolerated.
  if (line.ends_with("\r\n")) {
    line.remove_suffix(2);
  } else if (line.ends_with('\n')) {
    line.remove_suffix(1);
  }
  if (line.empty()) return Fail("EOF", ErrorKind::kInvalid);

  std::vector<std::string> fields;
  size_t pos = 0;
  while (true) {
    if (pos < line.size() && line[pos] == '"') {
      std::string field;
      ZL_ASSIGN_OR_RETURN(pos, ReadQuoted(line, pos + 1, field));
      fields.push_back(std::move(field));
    } else {
      size_t comma = line.find(',', pos);
      std::string_view field = line.substr(pos, comma - pos);
      if (size_t q = field.find('"'); q != std::string_view::npos) {
        return CsvError(pos + q, kBareQuote);
      }
      fields.emplace_back(field);
      pos = comma == std::string_view::npos ? line.size() : comma;
    }
    if (pos == line.size()) return fields;
    ++pos;  // the comma
  }
}

std::optional<bool> ParseGoBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" ||
      s == "True") {
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" ||
      s == "False") {
    return false;
  }
  return std::nullopt;
}

std::optional<uint32_t> ParseUint32(std::string_view s, int base) {
  uint32_t value = 0;
  if (s.empty() || s[0] == '+' || s[0] == '-') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);  // a relative path may climb; "/.." is "/"
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

std::string PathBase(std::string_view path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return "/";
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

}  // namespace zlayer::dockerfile
