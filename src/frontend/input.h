// What a build reads: a runtime template, a ZImagefile or a Dockerfile,
// chosen as ZIMAGEFILE.md section 1 says, read and checked before anything
// is built. A ZImagefile becomes Dockerfile text (one input type for the
// engine) once the images of its `build:` directives exist (build.h).
#ifndef ZLAYER_FRONTEND_INPUT_H_
#define ZLAYER_FRONTEND_INPUT_H_

#include <optional>
#include <string>
#include <string_view>

#include "zimage/model.h"
#include "zlayer/result.h"

namespace zlayer::frontend {

struct InputRequest {
  std::string context;    // the build context directory
  std::string file_flag;  // -f (empty: auto-detect; "-": stdin)
  std::string runtime;    // --runtime (empty: none)
  // The OS part of --platform, when given: it outranks the ZImagefile's
  // `os:` / `platform:` (section 8), and the file's top-level `platform:`
  // then no longer pins its stages.
  std::optional<zimage::TargetOs> pinned_os;
  bool platform_pinned = false;
};

struct Input {
  // The file as named in messages and used for .dockerignore lookup ("-"
  // for stdin, "" for a runtime template).
  std::string file;
  // The Dockerfile text; empty while `zimage` has directives to build.
  std::string dockerfile_text;
  // A ZImagefile with `build:` directives, converted by frontend::Build
  // once their images exist.
  std::optional<zimage::ZImage> zimage;
};

// Errors: ZImagefile problems one `FILE:LINE:COL: message` line each; a
// Windows target (kUnsupported: it needs a Windows host); wasm mode and the
// wasm template (kUnsupported).
Result<Input> ReadInput(const InputRequest& request);

// Reads `file` as a ZImagefile (`zimage`) or a Dockerfile, for a nested
// `build:` whose file type the directive decided; `request` gives the
// pinned OS and platform (its other fields are unused).
Result<Input> ReadInputFile(const std::string& file, bool zimage,
                            const InputRequest& request);

}  // namespace zlayer::frontend

#endif  // ZLAYER_FRONTEND_INPUT_H_
