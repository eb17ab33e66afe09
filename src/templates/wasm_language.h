// The WASM build's source-language detection (WASM.md section 2). Not to be
// confused with Detect (detect.h): that one decides *whether* a project is
// WebAssembly, this one *which toolchain* builds it.
#ifndef ZLAYER_TEMPLATES_WASM_LANGUAGE_H_
#define ZLAYER_TEMPLATES_WASM_LANGUAGE_H_

#include <optional>
#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::templates {

enum class WasmLanguage {
  kRust,
  kRustComponent,  // cargo-component
  kGo,             // TinyGo
  kPython,         // componentize-py
  kTypeScript,     // jco / componentize-js
  kAssemblyScript,
  kC,
  kZig,
};

// "rust", "rust-component", "go", "python", "typescript", "assemblyscript",
// "c", "zig".
std::string_view WasmLanguageName(WasmLanguage language);

// A language name or one of its aliases (`cargo-component`, `tinygo`, `py`,
// `ts`, `as`, ...), case-insensitive.
std::optional<WasmLanguage> ParseWasmLanguage(std::string_view name);

// The first match of WASM.md section 2 in `dir`. Errors: an unreadable
// Cargo.toml or package.json, invalid package.json, and
//   Could not detect source language in '<dir>'
Result<WasmLanguage> DetectWasmLanguage(const std::string& dir);

}  // namespace zlayer::templates

#endif  // ZLAYER_TEMPLATES_WASM_LANGUAGE_H_
