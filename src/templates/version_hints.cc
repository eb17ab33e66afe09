#include "templates/version_hints.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "templates/project_files.h"
#include "templates/version_ranges.h"

namespace zlayer::templates {
namespace {

using internal::Interval;
using internal::ProjectDir;
using internal::VersionSet;

// Templates by release line, oldest first.
constexpr std::array<std::pair<int, Runtime>, 2> kNodeLines = {
    {{20, Runtime::kNode20}, {22, Runtime::kNode22}}};
constexpr std::array<std::pair<int, Runtime>, 2> kPythonLines = {
    {{12, Runtime::kPython312}, {13, Runtime::kPython313}}};

// nvm's names for LTS lines, and its names for "the newest".
constexpr std::array<std::pair<std::string_view, int>, 11> kLtsNames = {{
    {"argon", 4},
    {"boron", 6},
    {"carbon", 8},
    {"dubnium", 10},
    {"erbium", 12},
    {"fermium", 14},
    {"gallium", 16},
    {"hydrogen", 18},
    {"iron", 20},
    {"jod", 22},
    {"krypton", 24},
}};

// `.nvmrc` holds a version, a range, an LTS name or "node"/"stable".
std::string NvmAliasToRange(std::string_view text) {
  std::string lower = internal::ToLower(text);
  if (lower == "node" || lower == "stable" || lower == "latest" ||
      lower == "current" || lower == "lts/*" || lower == "lts/latest") {
    return "*";
  }
  if (internal::StartsWith(lower, "lts/")) {
    std::string_view name = std::string_view(lower).substr(4);
    for (const auto& [codename, major] : kLtsNames) {
      if (name == codename) return std::to_string(major);
    }
  }
  return std::string(text);
}

template <size_t N>
std::vector<int> LinesIn(const VersionSet& set,
                         const std::array<std::pair<int, Runtime>, N>& lines,
                         bool python) {
  std::vector<int> out;
  for (const auto& [line, runtime] : lines) {
    Interval whole = python ? Interval{{3, line, 0}, {3, line + 1, 0}}
                            : Interval{{line, 0, 0}, {line + 1, 0, 0}};
    if (internal::Overlaps(set, whole)) out.push_back(line);
  }
  return out;
}

// The newest satisfying line; else the nearest end of the catalogue, with a
// warning naming the hint.
template <size_t N>
VersionChoice Choose(const VersionSet& set,
                     const std::array<std::pair<int, Runtime>, N>& lines,
                     bool python, std::string reason) {
  std::vector<int> ok = LinesIn(set, lines, python);
  if (!ok.empty()) {
    for (const auto& [line, runtime] : lines) {
      if (line == ok.back()) return {runtime, std::move(reason), std::nullopt};
    }
  }
  Interval below = python ? Interval{{0, 0, 0}, {3, lines.front().first, 0}}
                          : Interval{{0, 0, 0}, {lines.front().first, 0, 0}};
  Runtime runtime = internal::Overlaps(set, below) ? lines.front().second
                                                   : lines.back().second;
  bool oldest = runtime == lines.front().second;
  std::string warning = reason + ", which no template provides; using " +
                        std::string(CanonicalName(runtime)) + ", the " +
                        (oldest ? "oldest" : "newest") + " available";
  return {runtime, std::move(reason), std::move(warning)};
}

std::optional<VersionChoice> FromNodeText(std::string_view source,
                                          std::string_view text,
                                          std::vector<std::string>& warnings) {
  Result<VersionSet> set = internal::ParseNpmRange(NvmAliasToRange(text));
  if (!set) {
    warnings.push_back(std::string(source) +
                       " ignored: " + set.error().message());
    return std::nullopt;
  }
  return Choose(*set, kNodeLines, false,
                std::string(source) + " says " + std::string(text));
}

std::optional<VersionChoice> FromPythonSet(std::string_view source,
                                           std::string_view text,
                                           const Result<VersionSet>& set,
                                           std::vector<std::string>& warnings) {
  if (!set) {
    warnings.push_back(std::string(source) +
                       " ignored: " + set.error().message());
    return std::nullopt;
  }
  return Choose(*set, kPythonLines, true,
                std::string(source) + " says " + std::string(text));
}

// The quoted value of `requires-python` in pyproject's [project] table.
std::optional<std::string> RequiresPython(std::string_view pyproject) {
  std::string table;
  while (!pyproject.empty()) {
    size_t eol = pyproject.find('\n');
    std::string_view line = pyproject.substr(0, eol);
    if (std::optional<std::string> header = internal::TomlHeader(line)) {
      table = *header;
    } else if (table == "project" &&
               internal::TomlKey(line) == "requires-python") {
      std::string_view value = internal::Trim(line.substr(line.find('=') + 1));
      if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'')) {
        size_t close = value.find(value[0], 1);
        if (close != std::string_view::npos) {
          return std::string(value.substr(1, close - 1));
        }
      }
      return std::string(value);
    }
    if (eol == std::string_view::npos) break;
    pyproject.remove_prefix(eol + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<VersionChoice> RefineNode(const std::string& dir,
                                        std::vector<std::string>& warnings) {
  Result<ProjectDir> project = ProjectDir::Open(dir);
  if (!project) return std::nullopt;
  for (std::string_view file : {".nvmrc", ".node-version"}) {
    std::optional<std::string> text = project->Read(file);
    if (!text) continue;
    std::optional<std::string> line = internal::FirstNonEmptyLine(*text);
    if (!line) continue;
    if (auto choice = FromNodeText(file, *line, warnings)) return choice;
  }
  std::optional<std::string> package = project->Read("package.json");
  if (!package) return std::nullopt;
  nlohmann::json json = nlohmann::json::parse(*package, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto engines = json.find("engines");
  if (engines == json.end() || !engines->is_object()) return std::nullopt;
  auto node = engines->find("node");
  if (node == engines->end()) return std::nullopt;
  if (!node->is_string()) {
    warnings.push_back("engines.node in package.json ignored: not a string");
    return std::nullopt;
  }
  std::string range = node->get<std::string>();
  return FromNodeText("engines.node", internal::Trim(range), warnings);
}

std::optional<VersionChoice> RefinePython(const std::string& dir,
                                          std::vector<std::string>& warnings) {
  Result<ProjectDir> project = ProjectDir::Open(dir);
  if (!project) return std::nullopt;
  if (std::optional<std::string> text = project->Read(".python-version")) {
    if (std::optional<std::string> line = internal::FirstNonEmptyLine(*text)) {
      // A pyenv version: "3.13", "3.12.4" (names such as "system" or
      // "pypy3.10" fail to parse and are skipped).
      Result<VersionSet> set = internal::ParsePep440("==" + *line + ".*");
      auto choice = FromPythonSet(".python-version", *line, set, warnings);
      if (choice) return choice;
    }
  }
  std::optional<std::string> pyproject = project->Read("pyproject.toml");
  if (!pyproject) return std::nullopt;
  std::optional<std::string> spec = RequiresPython(*pyproject);
  if (!spec) return std::nullopt;
  return FromPythonSet("requires-python", *spec, internal::ParsePep440(*spec),
                       warnings);
}

Result<std::vector<int>> NodeMajorsSatisfying(std::string_view range,
                                              std::span<const int> majors) {
  ZL_ASSIGN_OR_RETURN(VersionSet set,
                      internal::ParseNpmRange(NvmAliasToRange(range)));
  std::vector<int> out;
  for (int major : majors) {
    if (internal::Overlaps(set, {{major, 0, 0}, {major + 1, 0, 0}})) {
      out.push_back(major);
    }
  }
  return out;
}

Result<std::vector<int>> PythonMinorsSatisfying(std::string_view specifiers,
                                                std::span<const int> minors) {
  ZL_ASSIGN_OR_RETURN(VersionSet set, internal::ParsePep440(specifiers));
  std::vector<int> out;
  for (int minor : minors) {
    if (internal::Overlaps(set, {{3, minor, 0}, {3, minor + 1, 0}})) {
      out.push_back(minor);
    }
  }
  return out;
}

}  // namespace zlayer::templates
