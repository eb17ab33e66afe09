#include "templates/catalogue.h"

#include <array>
#include <cctype>
#include <string>

namespace zlayer::templates {
namespace {

constexpr std::string_view kNode20Aliases[] = {"node-20", "nodejs20", "node"};
constexpr std::string_view kNode22Aliases[] = {"node-22", "nodejs22"};
constexpr std::string_view kPython312Aliases[] = {"python-312", "python3.12",
                                                  "python"};
constexpr std::string_view kPython313Aliases[] = {"python-313", "python3.13"};
constexpr std::string_view kRustAliases[] = {"rs"};
constexpr std::string_view kGoAliases[] = {"golang"};
constexpr std::string_view kNanoserverAliases[] = {"nanoserver",
                                                   "windows_nanoserver"};
constexpr std::string_view kServercoreAliases[] = {
    "windows-server-core", "servercore", "windows_servercore"};
constexpr std::string_view kWasmAliases[] = {
    "webassembly",   "wasm-module",    "wasm-preview1",
    "wasm-preview2", "wasm-component", "wasi-component"};

constexpr std::array<TemplateInfo, 11> kCatalogue = {{
    {Runtime::kNode20, "node20", kNode20Aliases,
     "Node.js 20 (LTS) - Alpine-based, production optimized", "package.json"},
    {Runtime::kNode22, "node22", kNode22Aliases,
     "Node.js 22 (Current) - Alpine-based, production optimized",
     "package.json"},
    {Runtime::kPython312, "python312", kPython312Aliases,
     "Python 3.12 - Slim Debian-based with pip",
     "requirements.txt, pyproject.toml, setup.py"},
    {Runtime::kPython313, "python313", kPython313Aliases,
     "Python 3.13 - Slim Debian-based with pip",
     "requirements.txt, pyproject.toml, setup.py"},
    {Runtime::kRust, "rust", kRustAliases,
     "Rust - Static musl binary, minimal Alpine runtime", "Cargo.toml"},
    {Runtime::kGo, "go", kGoAliases,
     "Go - Static binary, minimal Alpine runtime", "go.mod"},
    {Runtime::kDeno,
     "deno",
     {},
     "Deno - Official runtime with TypeScript support",
     "deno.json, deno.jsonc"},
    {Runtime::kBun,
     "bun",
     {},
     "Bun - Fast JavaScript runtime and bundler",
     "bun.lockb"},
    {Runtime::kWindowsNanoserver, "windows-nanoserver", kNanoserverAliases,
     "Windows Nanoserver - Minimal Windows base (no package managers, no "
     "PowerShell)",
     "*.exe"},
    {Runtime::kWindowsServercore, "windows-servercore", kServercoreAliases,
     "Windows Server Core - Windows base with PowerShell, chocolatey/winget "
     "compatible",
     "*.sln, *.csproj, *.vcxproj, project.json"},
    {Runtime::kWasm, "wasm", kWasmAliases,
     "WebAssembly - Delegates to wasm: build mode (auto-detects target)",
     "cargo-component.toml, componentize-py.config"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The original maps `wasm-preview2` to the module hint by mistake;
// TEMPLATES.md decides it selects preview2.
WasmTarget WasmTargetForAlias(std::string_view alias) {
  if (EqualsIgnoreCase(alias, "wasm-module") ||
      EqualsIgnoreCase(alias, "wasm-preview1")) {
    return WasmTarget::kPreview1;
  }
  if (EqualsIgnoreCase(alias, "wasm-preview2") ||
      EqualsIgnoreCase(alias, "wasm-component") ||
      EqualsIgnoreCase(alias, "wasi-component")) {
    return WasmTarget::kPreview2;
  }
  return WasmTarget::kDefault;
}

}  // namespace

std::span<const TemplateInfo> Catalogue() { return kCatalogue; }

const TemplateInfo& InfoFor(Runtime runtime) {
  return kCatalogue[static_cast<size_t>(runtime)];
}

std::string_view CanonicalName(Runtime runtime) {
  return InfoFor(runtime).name;
}

std::optional<Selection> FindRuntime(std::string_view name) {
  for (const TemplateInfo& info : kCatalogue) {
    bool match = EqualsIgnoreCase(name, info.name);
    for (std::string_view alias : info.aliases) {
      match = match || EqualsIgnoreCase(name, alias);
    }
    if (!match) continue;
    Selection selection{info.runtime, WasmTarget::kDefault};
    if (info.runtime == Runtime::kWasm) {
      selection.wasm_target = WasmTargetForAlias(name);
    }
    return selection;
  }
  return std::nullopt;
}

std::string AvailableRuntimes() {
  std::string out;
  for (const TemplateInfo& info : kCatalogue) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

Result<Selection> LookupRuntime(std::string_view name) {
  if (std::optional<Selection> found = FindRuntime(name)) return *found;
  return Fail("Unknown runtime: '" + std::string(name) +
                  "'. Available runtimes: " + AvailableRuntimes(),
              ErrorKind::kNotFound);
}

std::string ListText() {
  std::string out = "Available runtime templates:\n";
  for (const TemplateInfo& info : kCatalogue) {
    out += "\n  ";
    out += info.name;
    out += "\n    ";
    out += info.description;
    out += "\n";
    if (!info.aliases.empty()) {
      out += "    Aliases: ";
      for (size_t i = 0; i < info.aliases.size(); ++i) {
        if (i > 0) out += ", ";
        out += info.aliases[i];
      }
      out += "\n";
    }
    out += "    Detects: ";
    out += info.detects;
    out += "\n";
  }
  out +=
      "\nUsage:\n"
      "  zlayer build --runtime NAME [CONTEXT]   build with a template\n"
      "  zlayer templates show NAME              print a template\n"
      "  zlayer templates detect DIR             the template DIR matches\n";
  return out;
}

std::string SelectionName(Selection selection) {
  if (selection.runtime == Runtime::kWasm) {
    if (selection.wasm_target == WasmTarget::kPreview1) return "wasm-module";
    if (selection.wasm_target == WasmTarget::kPreview2) {
      return "wasm-component";
    }
  }
  return std::string(CanonicalName(selection.runtime));
}

std::string_view WasmTargetName(WasmTarget target) {
  switch (target) {
    case WasmTarget::kPreview1:
      return "preview1";
    case WasmTarget::kPreview2:
      return "preview2";
    case WasmTarget::kDefault:
      break;
  }
  return "default";
}

}  // namespace zlayer::templates
