// Reading a ZImagefile: YAML (yaml-cpp) into the typed model of model.h,
// with every schema and validation rule of ZIMAGEFILE.md checked in one
// pass. All problems of a file are reported, each with its position; only a
// YAML syntax error stops the reading early.
#ifndef ZLAYER_ZIMAGE_PARSE_H_
#define ZLAYER_ZIMAGE_PARSE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zimage/diagnostic.h"
#include "zimage/model.h"
#include "zlayer/result.h"

namespace zlayer::zimage {

struct ParseOutcome {
  std::optional<ZImage> image;          // set exactly when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // sorted by position
};

// `file` is the name used in diagnostics (as given on the command line).
ParseOutcome ParseZImagefileDiagnostics(std::string_view text,
                                        std::string_view file);

// The same, with the diagnostics as one Error (DiagnosticsToError).
Result<ZImage> ParseZImagefile(std::string_view text, std::string_view file);

// Pipeline variables (section 1.1): every `${KEY}` whose KEY is in `vars`
// is replaced by its value; other `${...}` and bare `$KEY` stay as written.
std::string SubstituteVariables(std::string_view text,
                                const std::map<std::string, std::string>& vars);

// The WASM target a runtime name selects (`wasm`, `webassembly`,
// `wasm-module`, ..., case-insensitive), or nullopt for other runtimes.
std::optional<WasmTarget> WasmRuntimeTarget(std::string_view runtime);

}  // namespace zlayer::zimage

#endif  // ZLAYER_ZIMAGE_PARSE_H_
