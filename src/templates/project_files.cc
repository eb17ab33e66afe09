#include "templates/project_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <memory>

#include "base/file_io.h"

namespace zlayer::templates::internal {

Result<ProjectDir> ProjectDir::Open(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> handle(opendir(dir.c_str()), closedir);
  if (!handle) return FailErrno("open directory " + dir, errno);
  ProjectDir out;
  out.path_ = dir;
  while (const dirent* entry = readdir(handle.get())) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    out.names_.emplace_back(name);
  }
  std::sort(out.names_.begin(), out.names_.end());
  return out;
}

std::string ProjectDir::PathOf(std::string_view name) const {
  std::string out = path_;
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

bool ProjectDir::Exists(std::string_view name) const {
  struct stat st;
  return stat(PathOf(name).c_str(), &st) == 0;
}

bool ProjectDir::IsFile(std::string_view name) const {
  struct stat st;
  return stat(PathOf(name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<std::string> ProjectDir::Read(std::string_view name) const {
  if (!IsFile(name)) return std::nullopt;
  Result<std::string> text = base::ReadFile(PathOf(name));
  if (!text) return std::nullopt;
  return std::move(*text);
}

std::optional<std::string> ProjectDir::FirstFileWithExtension(
    const std::vector<std::string_view>& extensions) const {
  for (const std::string& name : names_) {
    size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0) continue;
    std::string ext = ToLower(std::string_view(name).substr(dot + 1));
    if (std::find(extensions.begin(), extensions.end(), ext) ==
        extensions.end()) {
      continue;
    }
    if (IsFile(name)) return name;
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::optional<std::string> FirstNonEmptyLine(std::string_view text) {
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = Trim(text.substr(0, eol));
    if (!line.empty()) return std::string(line);
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return std::nullopt;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = std::tolower(static_cast<unsigned char>(c));
  return out;
}

namespace {

// Strips a trailing `# comment` that is outside quotes.
std::string_view StripComment(std::string_view line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      return line.substr(0, i);
    }
  }
  return line;
}

// `a . "b.c" . d` -> "a.b.c.d": dotted keys with optional quoting.
std::string NormalizeDottedKey(std::string_view key) {
  std::string out;
  char quote = 0;
  for (char c : key) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        out += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c != ' ' && c != '\t') {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> TomlHeader(std::string_view line) {
  line = Trim(StripComment(line));
  if (line.size() < 2 || line.front() != '[' || line.back() != ']') {
    return std::nullopt;
  }
  line = line.substr(1, line.size() - 2);
  if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
    line = line.substr(1, line.size() - 2);
  }
  return NormalizeDottedKey(line);
}

std::optional<std::string> TomlKey(std::string_view line) {
  line = Trim(StripComment(line));
  if (line.empty() || line.front() == '[') return std::nullopt;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '=') {
      std::string key = NormalizeDottedKey(line.substr(0, i));
      if (key.empty()) return std::nullopt;
      return key;
    }
  }
  return std::nullopt;
}

}  // namespace zlayer::templates::internal
