#include "zimage/words.h"

#include <cstdio>

namespace zlayer::zimage::internal {
namespace {

bool IsSafe(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9')) {
    return true;
  }
  switch (c) {
    case '_':
    case '.':
    case '/':
    case ':':
    case '@':
    case '%':
    case '+':
    case ',':
    case '=':
    case '-':
    case '*':
    case '?':
    case '~':
    case '^':
    case '$':
    case '{':
    case '}':
      return true;
    default:
      // Bytes of multi-byte UTF-8 characters are plain text to the lexer.
      return static_cast<unsigned char>(c) >= 0x80;
  }
}

}  // namespace

std::string QuoteWord(std::string_view value) {
  bool safe = !value.empty() && value[0] != '-';
  for (char c : value) safe = safe && IsSafe(c);
  if (safe) return std::string(value);
  std::string out = "\"";
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      const bool dollar = i + 1 < value.size() && value[i + 1] == '$';
      out += dollar ? "\\" : "\\\\";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string EscapeWord(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const bool dollar =
        c == '\\' && i + 1 < value.size() && value[i + 1] == '$';
    if ((c == '"' || c == '\'' || c == '\\') && !dollar) out += '\\';
    out += c;
  }
  return out;
}

bool HasBlank(std::string_view value) {
  return value.find_first_of(" \t\v\f\r\n") != std::string_view::npos;
}

bool IsAbsolutePath(std::string_view path) {
  if (path.starts_with('/') || path.starts_with('\\')) return true;
  return path.size() >= 2 && path[1] == ':' &&
         ((path[0] >= 'a' && path[0] <= 'z') ||
          (path[0] >= 'A' && path[0] <= 'Z'));
}

std::string JoinPath(std::string_view dir, std::string_view path) {
  // Windows paths are passed through: their rules are not ours to guess.
  if (IsAbsolutePath(path) && !path.starts_with('/')) return std::string(path);
  if (!dir.starts_with('/') && !IsAbsolutePath(path)) {
    return std::string(dir) + "/" + std::string(path);
  }
  std::string joined = IsAbsolutePath(path)
                           ? std::string(path)
                           : std::string(dir) + "/" + std::string(path);
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    std::string part = joined.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

}  // namespace zlayer::zimage::internal
