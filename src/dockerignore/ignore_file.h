// Reading .dockerignore files, and choosing which one applies to a build.
//
// File syntax, as Docker reads it:
//   - a UTF-8 byte order mark at the start is ignored;
//   - a line whose first character is "#" is a comment (an indented "#"
//     is a pattern, as in Docker);
//   - every other line is trimmed of white space, and blank lines are
//     skipped;
//   - "!" starts an exception; a leading "/" or "./" is dropped and the
//     path is cleaned, so "/a/./b/../c/" means "a/c".
#ifndef ZLAYER_DOCKERIGNORE_IGNORE_FILE_H_
#define ZLAYER_DOCKERIGNORE_IGNORE_FILE_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dockerignore/matcher.h"
#include "zlayer/result.h"

namespace zlayer::dockerignore {

// One pattern line of an ignore file.
struct IgnoreLine {
  int number = 0;       // 1-based
  std::string written;  // the line as written, trimmed
  std::string pattern;  // normalised, e.g. "!docs/README.md"
};

// Splits ignore file contents into pattern lines, dropping comments and
// blank lines. Never fails: bad patterns are reported by ParseIgnoreFile.
std::vector<IgnoreLine> ReadIgnoreLines(std::string_view contents);

// Parses ignore file contents. `source` names the file in errors, which
// read `<source>:<line>: invalid pattern "<as written>": <reason>`.
Result<Matcher> ParseIgnoreFile(std::string_view contents,
                                std::string_view source);

// Reads and parses the ignore file at `path`; a missing file is an empty
// matcher. The matcher's source() is the path, or empty when missing.
Result<Matcher> LoadIgnoreFile(const std::filesystem::path& path);

// The file whose patterns apply to a build of `dockerfile` with context
// `context_dir`: "<dockerfile>.dockerignore" (e.g. "app.Dockerfile" ->
// "app.Dockerfile.dockerignore") when it exists beside the Dockerfile,
// which then wins even if empty, else "<context_dir>/.dockerignore". An
// empty `dockerfile` path checks only the context.
Result<std::filesystem::path> FindBuildIgnoreFile(
    const std::filesystem::path& context_dir,
    const std::filesystem::path& dockerfile);

// Loads the file FindBuildIgnoreFile picks; no file means no patterns.
Result<Matcher> LoadBuildIgnore(const std::filesystem::path& context_dir,
                                const std::filesystem::path& dockerfile);

}  // namespace zlayer::dockerignore

#endif  // ZLAYER_DOCKERIGNORE_IGNORE_FILE_H_
