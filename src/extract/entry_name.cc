#include "extract/entry_name.h"

#include <linux/limits.h>

#include <string>

namespace zlayer::extract {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr std::string_view kAufsMetaPrefix = ".wh..wh.";

std::unexpected<Error> Invalid(std::string message) {
  return Fail(std::move(message), ErrorKind::kInvalid);
}

// Calls `visit` on each non-empty component of `path`.
template <typename Visit>
void ForEachComponent(std::string_view path, Visit visit) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) visit(path.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

std::string JoinComponents(const PathComponents& components) {
  if (components.empty()) return ".";
  std::string out;
  for (const std::string& component : components) {
    if (!out.empty()) out += '/';
    out += component;
  }
  return out;
}

PathComponents SplitPath(std::string_view path) {
  PathComponents out;
  ForEachComponent(
      path, [&](std::string_view component) { out.emplace_back(component); });
  return out;
}

Result<PathComponents> CleanRelativePath(std::string_view raw,
                                         std::string_view what,
                                         size_t max_depth) {
  std::string field(what);
  if (raw.empty()) return Invalid("empty " + field);
  if (raw.size() >= PATH_MAX) {
    return Invalid(field + " too long (" + std::to_string(raw.size()) +
                   " bytes, limit " + std::to_string(PATH_MAX - 1) + ")");
  }
  if (raw.front() == '/') return Invalid("absolute " + field + " refused");
  PathComponents out;
  bool escapes = false;
  bool too_long = false;
  ForEachComponent(raw, [&](std::string_view component) {
    if (component == ".") return;
    if (component == "..") {
      if (out.empty()) escapes = true;
      if (!out.empty()) out.pop_back();
      return;
    }
    if (component.size() > NAME_MAX) too_long = true;
    out.emplace_back(component);
  });
  // A ".." above the root is refused even when later components come back
  // down: the name was written to reach outside.
  if (escapes) return Invalid(field + " climbs out of the root with \"..\"");
  if (too_long) {
    return Invalid(field + " has a component over " + std::to_string(NAME_MAX) +
                   " bytes");
  }
  if (out.size() > max_depth) {
    return Invalid(field + " too deep (" + std::to_string(out.size()) +
                   " components, limit " + std::to_string(max_depth) + ")");
  }
  return out;
}

PathComponents EntryName::Components() const {
  PathComponents out = parent;
  if (!base.empty()) out.push_back(base);
  return out;
}

Result<EntryName> ParseEntryName(std::string_view raw, size_t max_depth) {
  ZL_ASSIGN_OR_RETURN(PathComponents components,
                      CleanRelativePath(raw, "path", max_depth));
  EntryName name;
  if (components.empty()) return name;
  name.base = std::move(components.back());
  components.pop_back();
  name.parent = std::move(components);
  for (const std::string& dir : name.parent) {
    if (dir.starts_with(kWhiteoutPrefix)) {
      return Invalid("whiteout " + Quote(dir) + " used as a directory");
    }
  }
  if (!name.base.starts_with(kWhiteoutPrefix)) return name;
  if (name.base == kOpaqueMarker) {
    name.whiteout = WhiteoutKind::kOpaque;
  } else if (name.base.starts_with(kAufsMetaPrefix)) {
    name.whiteout = WhiteoutKind::kAufsMeta;
  } else {
    name.whiteout = WhiteoutKind::kRemove;
    name.whiteout_target = name.base.substr(kWhiteoutPrefix.size());
    const std::string& target = name.whiteout_target;
    if (target.empty() || target == "." || target == "..") {
      return Invalid("whiteout " + Quote(name.base) + " names no entry");
    }
  }
  return name;
}

std::string Quote(std::string_view name) {
  constexpr size_t kShown = 256;
  std::string out = "\"";
  for (unsigned char c : name.substr(0, kShown)) {
    if (c < 0x20 || c == 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  out += '"';
  if (name.size() > kShown) {
    out += "... (" + std::to_string(name.size()) + " bytes)";
  }
  return out;
}

bool SymlinkTargetLeavesRoot(size_t link_depth, std::string_view target) {
  if (target.empty() || target.front() == '/') return !target.empty();
  bool leaves = false;
  size_t depth = link_depth;
  ForEachComponent(target, [&](std::string_view component) {
    if (component == ".") return;
    if (component != "..") {
      ++depth;
    } else if (depth == 0) {
      leaves = true;
    } else {
      --depth;
    }
  });
  return leaves;
}

}  // namespace zlayer::extract
