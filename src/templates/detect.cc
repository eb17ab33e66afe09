#include "templates/detect.h"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

#include "templates/project_files.h"
#include "templates/version_hints.h"

namespace zlayer::templates {
namespace {

using internal::ProjectDir;

struct Match {
  Selection selection;
  std::string reason;
};

Match Plain(Runtime runtime, std::string reason) {
  return {Selection{runtime, WasmTarget::kDefault}, std::move(reason)};
}

Match Component(std::string reason) {
  return {Selection{Runtime::kWasm, WasmTarget::kPreview2}, std::move(reason)};
}

// Section 3, rule 1.2: the original compares trimmed lines literally, so a
// header with inner spaces or a trailing comment does not count.
bool HasComponentMetadata(const std::string& cargo_toml) {
  std::string_view rest = cargo_toml;
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    std::string_view line = internal::Trim(rest.substr(0, eol));
    if (line == "[package.metadata.component]" ||
        internal::StartsWith(line, "[package.metadata.component.")) {
      return true;
    }
    if (eol == std::string_view::npos) break;
    rest.remove_prefix(eol + 1);
  }
  return false;
}

// Rule 1.4: the jco dependency that marks a JavaScript component.
std::optional<std::string> JcoDependency(const ProjectDir& dir) {
  std::optional<std::string> text = dir.Read("package.json");
  if (!text) return std::nullopt;
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  for (const char* table : {"dependencies", "devDependencies",
                            "peerDependencies", "optionalDependencies"}) {
    auto it = json.find(table);
    if (it == json.end() || !it->is_object()) continue;
    for (const char* key : {"jco", "@bytecodealliance/jco"}) {
      if (it->contains(key)) return std::string(key);
    }
  }
  return std::nullopt;
}

// Rule 1.5: the WASI target named in .cargo/config.toml.
std::optional<std::string> CargoWasiTarget(const ProjectDir& dir) {
  std::optional<std::string> config = dir.Read(".cargo/config.toml");
  if (!config) return std::nullopt;
  std::string_view rest = *config;
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    for (std::string_view target : {"wasm32-wasip1", "wasm32-wasip2"}) {
      if (line.find(target) != std::string_view::npos) {
        return std::string(target);
      }
    }
    if (eol == std::string_view::npos) break;
    rest.remove_prefix(eol + 1);
  }
  return std::nullopt;
}

std::optional<Match> DetectWasm(const ProjectDir& dir) {
  if (dir.Exists("cargo-component.toml")) {
    return Component("cargo-component.toml");
  }
  std::optional<std::string> cargo = dir.Read("Cargo.toml");
  if (cargo && HasComponentMetadata(*cargo)) {
    return Component("Cargo.toml has [package.metadata.component]");
  }
  if (dir.Exists("componentize-py.config")) {
    return Component("componentize-py.config");
  }
  if (std::optional<std::string> jco = JcoDependency(dir)) {
    return Component("package.json depends on " + *jco);
  }
  if (dir.Exists("Cargo.toml")) {
    if (std::optional<std::string> target = CargoWasiTarget(dir)) {
      return Match{Selection{Runtime::kWasm, WasmTarget::kPreview1},
                   "Cargo.toml, .cargo/config.toml targets " + *target};
    }
  }
  return std::nullopt;
}

std::optional<std::string> FirstExisting(
    const ProjectDir& dir, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (dir.Exists(name)) return std::string(name);
  }
  return std::nullopt;
}

std::optional<Match> DetectPlain(const ProjectDir& dir) {
  if (std::optional<Match> wasm = DetectWasm(dir)) return wasm;
  if (dir.Exists("project.json")) {
    return Plain(Runtime::kWindowsServercore, "project.json");
  }
  if (std::optional<std::string> project =
          dir.FirstFileWithExtension({"sln", "csproj", "vcxproj"})) {
    return Plain(Runtime::kWindowsServercore, *project);
  }
  if (dir.Exists("package.json")) {
    // bun.lock is what current Bun writes; the original knew only bun.lockb.
    if (std::optional<std::string> lock =
            FirstExisting(dir, {"bun.lockb", "bun.lock"})) {
      return Plain(Runtime::kBun, "package.json and " + *lock);
    }
    if (std::optional<std::string> deno =
            FirstExisting(dir, {"deno.json", "deno.jsonc"})) {
      return Plain(Runtime::kDeno, "package.json and " + *deno);
    }
    return Plain(Runtime::kNode20, "package.json");
  }
  if (std::optional<std::string> deno =
          FirstExisting(dir, {"deno.json", "deno.jsonc", "deno.lock"})) {
    return Plain(Runtime::kDeno, *deno);
  }
  if (dir.Exists("Cargo.toml")) return Plain(Runtime::kRust, "Cargo.toml");
  if (std::optional<std::string> python =
          FirstExisting(dir, {"pyproject.toml", "requirements.txt", "setup.py",
                              "Pipfile", "poetry.lock"})) {
    return Plain(Runtime::kPython312, *python);
  }
  if (dir.Exists("go.mod")) return Plain(Runtime::kGo, "go.mod");
  if (std::optional<std::string> exe = dir.FirstFileWithExtension({"exe"})) {
    return Plain(Runtime::kWindowsNanoserver, *exe);
  }
  return std::nullopt;
}

}  // namespace

Result<std::optional<Detection>> Detect(const std::string& dir,
                                        DetectOptions options) {
  ZL_ASSIGN_OR_RETURN(ProjectDir project,
                      WithContext(ProjectDir::Open(dir), "detect runtime"));
  std::optional<Match> match = DetectPlain(project);
  if (!match) return std::optional<Detection>();

  Detection out;
  out.selection = match->selection;
  out.reason = std::move(match->reason);
  if (!options.version_hints) return out;

  std::optional<VersionChoice> choice;
  if (out.selection.runtime == Runtime::kNode20) {
    choice = RefineNode(dir, out.warnings);
  } else if (out.selection.runtime == Runtime::kPython312) {
    choice = RefinePython(dir, out.warnings);
  }
  if (choice) {
    out.selection.runtime = choice->runtime;
    out.reason += ", " + choice->reason;
    if (choice->warning) out.warnings.push_back(*choice->warning);
  }
  return out;
}

std::string DescribeDetection(const Detection& detection) {
  return SelectionName(detection.selection) + " (" + detection.reason + ")";
}

}  // namespace zlayer::templates
