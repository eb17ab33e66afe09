#include "dockerignore/ignore_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "base/file_io.h"
#include "dockerignore/normalize.h"

namespace zlayer::dockerignore {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kIgnoreFileName = ".dockerignore";

bool IsAbsent(int errno_value) {
  return errno_value == ENOENT || errno_value == ENOTDIR;
}

Result<bool> FileExists(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  if (IsAbsent(errno)) return false;
  return FailErrno("stat " + path.string(), errno);
}

}  // namespace

std::vector<IgnoreLine> ReadIgnoreLines(std::string_view contents) {
  if (contents.starts_with(kByteOrderMark)) {
    contents.remove_prefix(kByteOrderMark.size());
  }
  std::vector<IgnoreLine> lines;
  int number = 0;
  while (!contents.empty()) {
    std::size_t end = contents.find('\n');
    if (end == std::string_view::npos) end = contents.size();
    const std::string_view line = contents.substr(0, end);
    contents.remove_prefix(std::min(end + 1, contents.size()));
    ++number;
    // The comment test comes before trimming, so "  #x" is a pattern.
    if (line.starts_with('#')) continue;
    const std::string_view trimmed = base::TrimSpace(line);
    if (trimmed.empty()) continue;
    lines.push_back(IgnoreLine{.number = number,
                               .written = std::string(trimmed),
                               .pattern = NormalizePatternLine(trimmed)});
  }
  return lines;
}

Result<Matcher> ParseIgnoreFile(std::string_view contents,
                                std::string_view source) {
  std::vector<Pattern> patterns;
  for (const IgnoreLine& line : ReadIgnoreLines(contents)) {
    // Cleaning can leave only white space ("./ /"), which Docker drops.
    if (base::TrimSpace(line.pattern).empty()) continue;
    auto pattern = Pattern::Parse(line.pattern, line.number);
    if (!pattern) {
      return Fail(std::string(source) + ":" + std::to_string(line.number) +
                      ": invalid pattern \"" + line.written +
                      "\": " + pattern.error().message(),
                  ErrorKind::kInvalid);
    }
    patterns.push_back(*std::move(pattern));
  }
  return Matcher(std::move(patterns), std::string(source));
}

Result<Matcher> LoadIgnoreFile(const std::filesystem::path& path) {
  auto contents = base::ReadFile(path.string());
  if (!contents) {
    if (IsAbsent(contents.error().errno_value())) return Matcher();
    return std::unexpected(std::move(contents).error());
  }
  return ParseIgnoreFile(*contents, path.string());
}

Result<std::filesystem::path> FindBuildIgnoreFile(
    const std::filesystem::path& context_dir,
    const std::filesystem::path& dockerfile) {
  if (!dockerfile.empty()) {
    std::filesystem::path beside = dockerfile;
    beside += kIgnoreFileName;
    beside = beside.lexically_normal();
    ZL_ASSIGN_OR_RETURN(bool exists, FileExists(beside));
    if (exists) return beside;
  }
  return (context_dir / kIgnoreFileName).lexically_normal();
}

Result<Matcher> LoadBuildIgnore(const std::filesystem::path& context_dir,
                                const std::filesystem::path& dockerfile) {
  ZL_ASSIGN_OR_RETURN(std::filesystem::path path,
                      FindBuildIgnoreFile(context_dir, dockerfile));
  return LoadIgnoreFile(path);
}

}  // namespace zlayer::dockerignore
