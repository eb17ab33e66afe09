#include "templates/wasm_language.h"

#include <array>
#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "templates/project_files.h"

namespace zlayer::templates {
namespace {

using internal::ProjectDir;

struct LanguageName {
  std::string_view name;
  WasmLanguage language;
};

// Canonical names first: WasmLanguageName returns the first entry.
constexpr std::array<LanguageName, 14> kNames = {{
    {"rust", WasmLanguage::kRust},
    {"rust-component", WasmLanguage::kRustComponent},
    {"go", WasmLanguage::kGo},
    {"python", WasmLanguage::kPython},
    {"typescript", WasmLanguage::kTypeScript},
    {"assemblyscript", WasmLanguage::kAssemblyScript},
    {"c", WasmLanguage::kC},
    {"zig", WasmLanguage::kZig},
    {"rust_component", WasmLanguage::kRustComponent},
    {"cargo-component", WasmLanguage::kRustComponent},
    {"tinygo", WasmLanguage::kGo},
    {"py", WasmLanguage::kPython},
    {"ts", WasmLanguage::kTypeScript},
    {"as", WasmLanguage::kAssemblyScript},
}};

// Whether a table header names a dependency table: [dependencies],
// [dev-dependencies], [build-dependencies], [workspace.dependencies],
// [target.'cfg(..)'.dependencies]. Returns the crate for the dotted form
// [dependencies.wit-bindgen], or "" for a whole table.
std::optional<std::string> DependencyTable(std::string_view header) {
  for (std::string_view table :
       {"dependencies", "dev-dependencies", "build-dependencies"}) {
    size_t at = header.rfind(table);
    if (at == std::string_view::npos) continue;
    bool starts = at == 0 || header[at - 1] == '.';
    std::string_view before = header.substr(0, at);
    bool scoped = at == 0 || before == "workspace." ||
                  internal::StartsWith(before, "target.");
    if (!starts || !scoped) continue;
    std::string_view after = header.substr(at + table.size());
    if (after.empty()) return std::string();
    if (after[0] == '.') return std::string(after.substr(1));
  }
  return std::nullopt;
}

// WASM.md section 2 (Do): wit-bindgen or cargo-component-bindings counts
// only as a dependency, not anywhere in the text.
bool DependsOnComponentBindings(std::string_view cargo_toml) {
  auto is_binding = [](std::string_view crate) {
    return crate == "wit-bindgen" || crate == "cargo-component-bindings";
  };
  bool in_dependencies = false;
  while (!cargo_toml.empty()) {
    size_t eol = cargo_toml.find('\n');
    std::string_view line = cargo_toml.substr(0, eol);
    if (std::optional<std::string> header = internal::TomlHeader(line)) {
      std::optional<std::string> table = DependencyTable(*header);
      if (table && is_binding(*table)) return true;
      in_dependencies = table && table->empty();
    } else if (in_dependencies) {
      std::optional<std::string> key = internal::TomlKey(line);
      if (key) {
        // `wit-bindgen.workspace = true` is a dotted key.
        std::string_view crate = *key;
        crate = crate.substr(0, crate.find('.'));
        if (is_binding(crate)) return true;
      }
    }
    if (eol == std::string_view::npos) break;
    cargo_toml.remove_prefix(eol + 1);
  }
  return false;
}

Result<bool> IsAssemblyScript(const ProjectDir& dir) {
  ZL_ASSIGN_OR_RETURN(std::string text,
                      base::ReadFile(dir.PathOf("package.json")));
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Fail(dir.PathOf("package.json") + ": not a JSON object",
                ErrorKind::kInvalid);
  }
  for (const char* table : {"dependencies", "devDependencies"}) {
    auto it = json.find(table);
    if (it != json.end() && it->is_object() && it->contains("assemblyscript")) {
      return true;
    }
  }
  auto scripts = json.find("scripts");
  if (scripts != json.end() && scripts->is_object()) {
    for (const auto& [name, value] : scripts->items()) {
      if (!value.is_string()) continue;
      std::string_view command = value.get_ref<const std::string&>();
      if (internal::StartsWith(command, "asc") ||
          command.find("asc ") != std::string_view::npos) {
        return true;
      }
    }
  }
  return false;
}

bool HasCSource(const ProjectDir& dir) {
  return dir.FirstFileWithExtension({"c", "h"}).has_value();
}

}  // namespace

std::string_view WasmLanguageName(WasmLanguage language) {
  for (const LanguageName& entry : kNames) {
    if (entry.language == language) return entry.name;
  }
  return "unknown";
}

std::optional<WasmLanguage> ParseWasmLanguage(std::string_view name) {
  std::string lower = internal::ToLower(name);
  for (const LanguageName& entry : kNames) {
    if (entry.name == lower) return entry.language;
  }
  return std::nullopt;
}

Result<WasmLanguage> DetectWasmLanguage(const std::string& dir) {
  ZL_ASSIGN_OR_RETURN(
      ProjectDir project,
      WithContext(ProjectDir::Open(dir), "detect WebAssembly language"));
  if (project.Exists("Cargo.toml")) {
    ZL_ASSIGN_OR_RETURN(std::string cargo,
                        base::ReadFile(project.PathOf("Cargo.toml")));
    bool component =
        cargo.find("[package.metadata.component]") != std::string::npos ||
        DependsOnComponentBindings(cargo) ||
        project.Exists("cargo-component.toml");
    return component ? WasmLanguage::kRustComponent : WasmLanguage::kRust;
  }
  if (project.Exists("go.mod")) return WasmLanguage::kGo;
  for (std::string_view file :
       {"pyproject.toml", "requirements.txt", "setup.py"}) {
    if (project.Exists(file)) return WasmLanguage::kPython;
  }
  if (project.Exists("package.json")) {
    ZL_ASSIGN_OR_RETURN(bool assemblyscript, IsAssemblyScript(project));
    return assemblyscript ? WasmLanguage::kAssemblyScript
                          : WasmLanguage::kTypeScript;
  }
  if (project.Exists("build.zig")) return WasmLanguage::kZig;
  // A C file at the top level, or a build file with sources under src/.
  if (HasCSource(project)) return WasmLanguage::kC;
  if (project.Exists("Makefile") || project.Exists("CMakeLists.txt")) {
    Result<ProjectDir> src = ProjectDir::Open(project.PathOf("src"));
    if (src && HasCSource(*src)) return WasmLanguage::kC;
  }
  return Fail("Could not detect source language in '" + dir + "'",
              ErrorKind::kNotFound);
}

}  // namespace zlayer::templates
