// Small read-only helpers over a project's top-level files, shared by the
// detectors. Private to the module.
#ifndef ZLAYER_TEMPLATES_PROJECT_FILES_H_
#define ZLAYER_TEMPLATES_PROJECT_FILES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::templates::internal {

class ProjectDir {
 public:
  // Lists `dir` once; fails when it is not a readable directory.
  static Result<ProjectDir> Open(const std::string& dir);

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view name) const;

  // Whether `name` exists (any type, symlinks followed).
  bool Exists(std::string_view name) const;
  bool IsFile(std::string_view name) const;

  // The file's text; nullopt when it is missing or unreadable.
  std::optional<std::string> Read(std::string_view name) const;

  // The first regular file, by name, whose extension (after the last dot)
  // equals one of `extensions`, ignoring case.
  std::optional<std::string> FirstFileWithExtension(
      const std::vector<std::string_view>& extensions) const;

 private:
  std::string path_;
  std::vector<std::string> names_;  // sorted
};

// The first non-empty line, trimmed; nullopt when there is none.
std::optional<std::string> FirstNonEmptyLine(std::string_view text);

std::string_view Trim(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
std::string ToLower(std::string_view text);

// The minimal TOML the detectors need: the table header a line opens
// ("package.metadata.component" for `[package.metadata.component]`,
// "bin" for `[[bin]]`), or nullopt when the line is not a header.
std::optional<std::string> TomlHeader(std::string_view line);

// The bare or quoted key of a `key = value` line, or nullopt.
std::optional<std::string> TomlKey(std::string_view line);

}  // namespace zlayer::templates::internal

#endif  // ZLAYER_TEMPLATES_PROJECT_FILES_H_
