#include "dockerignore/normalize.h"

namespace zlayer::dockerignore {
std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path.front() == '/';
  std::string out = rooted ? "/" : "";
  // Output before this index is never removed by "..": the root slash or
  // leading ".." elements of a relative path.
  std::size_t floor = out.size();
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view element = path.substr(i, end - i);
    i = end + 1;
    if (element.empty() || element == ".") continue;
    if (element == "..") {
      if (out.size() > floor) {
        const std::size_t slash = out.rfind('/');
        out.resize(slash == std::string::npos || slash < floor ? floor : slash);
      } else if (!rooted) {
        if (!out.empty()) out += '/';
        out += "..";
        floor = out.size();
      }
      continue;
    }
    if (out.size() > (rooted ? 1u : 0u)) out += '/';
    out += element;
  }
  return out.empty() ? "." : out;
}

std::string NormalizePatternLine(std::string_view line) {
  const bool exception = !line.empty() && line.front() == '!';
  if (exception) line = base::TrimSpace(line.substr(1));
  std::string body;
  if (!line.empty()) {
    body = CleanPath(line);
    if (body.size() > 1 && body.front() == '/') body.erase(0, 1);
  }
  return exception ? "!" + body : body;
}

}  // namespace zlayer::dockerignore
