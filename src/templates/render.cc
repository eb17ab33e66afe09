#include "templates/render.h"

#include <array>
#include <string>

#include "templates/dockerfiles.h"

namespace zlayer::templates {
namespace {

// Built once: DockerfileText hands out views that must outlive the call.
const std::array<std::string, 10>& Texts() {
  static const std::array<std::string, 10> texts = {
      internal::NodeDockerfile("20"),
      internal::NodeDockerfile("22"),
      internal::PythonDockerfile("3.12"),
      internal::PythonDockerfile("3.13"),
      std::string(internal::RustDockerfile()),
      std::string(internal::GoDockerfile()),
      std::string(internal::DenoDockerfile()),
      std::string(internal::BunDockerfile()),
      std::string(internal::WindowsNanoserverDockerfile()),
      std::string(internal::WindowsServercoreDockerfile()),
  };
  return texts;
}

}  // namespace

Result<std::string_view> DockerfileText(Runtime runtime) {
  if (runtime == Runtime::kWasm) {
    return Fail(
        "runtime template 'wasm' has no Dockerfile: it selects a WebAssembly "
        "build",
        ErrorKind::kUnsupported);
  }
  return std::string_view(Texts()[static_cast<size_t>(runtime)]);
}

std::string WasmSnippet(WasmTarget target) {
  if (target == WasmTarget::kDefault) return "wasm: {}\n";
  return "wasm: {target: " + std::string(WasmTargetName(target)) + "}\n";
}

Rendered Render(Selection selection) {
  Rendered out;
  out.selection = selection;
  if (selection.runtime == Runtime::kWasm) {
    out.wasm_target = selection.wasm_target;
    out.zimage_snippet = WasmSnippet(selection.wasm_target);
    return out;
  }
  out.dockerfile = std::string(*DockerfileText(selection.runtime));
  return out;
}

Result<Rendered> RenderByName(std::string_view name) {
  ZL_ASSIGN_OR_RETURN(Selection selection, LookupRuntime(name));
  return Render(selection);
}

Result<std::string> ShowText(std::string_view name) {
  ZL_ASSIGN_OR_RETURN(Rendered rendered, RenderByName(name));
  if (rendered.is_wasm()) return rendered.zimage_snippet;
  return rendered.dockerfile;
}

}  // namespace zlayer::templates
