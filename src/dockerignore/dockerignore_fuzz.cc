// Fuzzes the .dockerignore reader and matcher, which see whatever a build
// context contains. Input: ignore file contents, then optionally a NUL byte
// and newline-separated paths to match. Without paths, each pattern's own
// text (and the lines themselves) are matched, which keeps the interesting
// paths close to the patterns.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dockerignore/glob.h"
#include "dockerignore/ignore_file.h"
#include "dockerignore/matcher.h"
#include "dockerignore/normalize.h"

namespace {

constexpr std::size_t kMaxPaths = 48;

using zlayer::dockerignore::DirMatch;
using zlayer::dockerignore::Glob;
using zlayer::dockerignore::Matcher;
using zlayer::dockerignore::MatchResult;

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(end == text.size() ? end : end + 1);
  }
  return lines;
}

// Matches `path` the way a walker does, one directory level at a time, and
// checks the answers the matcher gives without parent state agree.
void CheckPath(const Matcher& matcher, const std::string& path) {
  DirMatch parent;
  for (std::size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    MatchResult result = matcher.MatchUsingParent(dir, parent);
    if (result.excluded) matcher.HasExceptionUnder(dir);
    parent = std::move(result.dir);
  }
  matcher.MatchUsingParent(path, parent);
  const bool without_state =
      matcher.MatchUsingParent(path, DirMatch()).excluded;
  const bool clean = zlayer::dockerignore::CleanPath(path) == path &&
                     !path.starts_with('/') && path != ".";
  if (clean && without_state != matcher.MatchesOrParentMatches(path)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view file = input.substr(0, nul);
  const std::string_view paths_text = nul == std::string_view::npos
                                          ? std::string_view()
                                          : input.substr(nul + 1);

  std::vector<std::string> paths = SplitLines(paths_text);
  std::vector<std::string> lines = SplitLines(file);
  // Matching is quadratic in the number of lines here; a few dozen find
  // the same bugs as thousands, much faster.
  if (paths.size() > kMaxPaths) paths.resize(kMaxPaths);
  if (lines.size() > kMaxPaths) lines.resize(kMaxPaths);
  for (const std::string& line : lines) {
    auto glob = Glob::Compile(line);
    if (glob) {
      for (const std::string& other : lines) glob->Matches(other);
    }
  }

  auto matcher = zlayer::dockerignore::ParseIgnoreFile(file, "fuzz");
  if (!matcher) {
    if (matcher.error().message().empty()) std::abort();
    return 0;
  }
  if (paths.empty()) {
    for (const auto& pattern : matcher->patterns()) {
      if (paths.size() == kMaxPaths) break;
      paths.push_back(pattern.text());
    }
    paths.insert(paths.end(), lines.begin(), lines.end());
  }
  for (const std::string& path : paths) CheckPath(*matcher, path);
  return 0;
}
