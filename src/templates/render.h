// Turning a template into what the build runs: the exact Dockerfile text
// (`templates show NAME` prints it), or, for the WASM pseudo-template, the
// ZImagefile `wasm:` section it stands for.
#ifndef ZLAYER_TEMPLATES_RENDER_H_
#define ZLAYER_TEMPLATES_RENDER_H_

#include <optional>
#include <string>
#include <string_view>

#include "templates/catalogue.h"
#include "zlayer/result.h"

namespace zlayer::templates {

struct Rendered {
  Selection selection;
  // The Dockerfile; empty for kWasm.
  std::string dockerfile;
  // Set for kWasm only: the caller enters WASM mode with this target.
  std::optional<WasmTarget> wasm_target;
  // For kWasm: the ZImagefile snippet it expands to, e.g.
  // "wasm: {target: preview1}\n"; empty otherwise.
  std::string zimage_snippet;

  bool is_wasm() const { return wasm_target.has_value(); }
};

// The Dockerfile of a template; kUnsupported for kWasm (it has none; use
// Render and route the build into WASM mode).
Result<std::string_view> DockerfileText(Runtime runtime);

Rendered Render(Selection selection);

// LookupRuntime + Render.
Result<Rendered> RenderByName(std::string_view name);

// What `templates show NAME` prints: the Dockerfile text, or the wasm
// snippet.
Result<std::string> ShowText(std::string_view name);

// The ZImagefile section a WASM selection expands to.
std::string WasmSnippet(WasmTarget target);

}  // namespace zlayer::templates

#endif  // ZLAYER_TEMPLATES_RENDER_H_
