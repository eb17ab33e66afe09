// The built-in runtime templates (TEMPLATES.md section 1): a Dockerfile
// chosen by name so a project without one can still be built. Names and
// aliases match the original ZLayer so its users' command lines keep working.
#ifndef ZLAYER_TEMPLATES_CATALOGUE_H_
#define ZLAYER_TEMPLATES_CATALOGUE_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::templates {

// In the order `templates list` prints them.
enum class Runtime {
  kNode20,
  kNode22,
  kPython312,
  kPython313,
  kRust,
  kGo,
  kDeno,
  kBun,
  kWindowsNanoserver,
  kWindowsServercore,
  kWasm,  // pseudo-template: a WASM build, not a Dockerfile
};

// What the `wasm` aliases ask of the WASM build (WASM.md section 1).
enum class WasmTarget {
  kDefault,   // `wasm`, `webassembly`: the ZImagefile default (preview2)
  kPreview1,  // module hint: `wasm-module`, `wasm-preview1`
  kPreview2,  // component hint: `wasm-preview2`, `wasm-component`, ...
};

struct TemplateInfo {
  Runtime runtime;
  std::string_view name;  // canonical, lower case
  std::span<const std::string_view> aliases;
  std::string_view description;
  std::string_view detects;  // files shown as "Detects", e.g. "package.json"
};

// A name resolved: the template, and for kWasm the target the alias implies
// (always kDefault for the other templates).
struct Selection {
  Runtime runtime = Runtime::kNode20;
  WasmTarget wasm_target = WasmTarget::kDefault;

  bool operator==(const Selection&) const = default;
};

// Every template, in list order.
std::span<const TemplateInfo> Catalogue();
const TemplateInfo& InfoFor(Runtime runtime);
std::string_view CanonicalName(Runtime runtime);

// Case-insensitive lookup of a canonical name or alias.
std::optional<Selection> FindRuntime(std::string_view name);

// FindRuntime, or a kNotFound error reading exactly
//   Unknown runtime: '<name>'. Available runtimes: node20, node22, ...
Result<Selection> LookupRuntime(std::string_view name);

// "node20, node22, ..., wasm": the canonical names, comma separated.
std::string AvailableRuntimes();

// The text of `zlayer templates list`: each template's name, description,
// aliases and detected files, then usage lines.
std::string ListText();

// A name that LookupRuntime maps back to `selection`: the canonical name,
// or for WASM targets the alias that carries them ("wasm-module",
// "wasm-component").
std::string SelectionName(Selection selection);

std::string_view WasmTargetName(WasmTarget target);  // "default", ...

}  // namespace zlayer::templates

#endif  // ZLAYER_TEMPLATES_CATALOGUE_H_
