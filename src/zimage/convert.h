// From a parsed ZImagefile to Dockerfile text (ZIMAGEFILE.md section 6), so
// that one frontend (dockerfile/ then plan/) builds every input. The text is
// deterministic: the same ZImage and options give the same bytes.
//
//  - single-stage: FROM, ENV, WORKDIR, steps, LABEL, EXPOSE, USER, VOLUME,
//    HEALTHCHECK, STOPSIGNAL, ENTRYPOINT, CMD;
//  - multi-stage: per stage FROM ... AS name, ARGs, ENV, WORKDIR, steps,
//    the stage's config keys; the top-level config keys end the last stage;
//  - top-level `args` are global ARGs (sorted) re-declared in every stage.
//
// `run` + `env` (variables for one command) has no Dockerfile instruction:
// the shell form becomes `export K='v'; <command>` (a heredoc script when
// the command spans lines), the exec form `["env", "K=v", <args>...]`.
#ifndef ZLAYER_ZIMAGE_CONVERT_H_
#define ZLAYER_ZIMAGE_CONVERT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zimage/model.h"
#include "zlayer/result.h"

namespace zlayer::zimage {

// The name of a top-level `build:` directive (stages use their own name).
inline constexpr std::string_view kTopLevelBuild = "toplevel";

struct ConvertOptions {
  // The images built for `build:` directives, by directive name (a stage
  // name or kTopLevelBuild), used as that stage's base. A directive without
  // an entry is an error.
  std::map<std::string, std::string, std::less<>> build_bases;
  // Cache mounts added to every RUN (a pipeline's defaults.cache_mounts),
  // after the step's own; skipped where the step already mounts a cache at
  // the same target.
  std::vector<CacheMount> default_cache_mounts;
};

// Errors: `FILE:LINE:COL: message` (kInvalid), or kUnsupported for wasm
// mode ("wasm builds are not supported yet"). Runtime mode is refused
// (kInvalid): its Dockerfile comes from the template, see
// ApplyRuntimeSettings.
Result<std::string> ConvertToDockerfile(const ZImage& image,
                                        const ConvertOptions& options = {});

// The `build:` directives to resolve before conversion, in the order they
// are built: the top-level one first, then stages in document order.
struct BuildRef {
  std::string name;  // stage name or kTopLevelBuild
  const BuildDirective* directive = nullptr;
};
std::vector<BuildRef> BuildDirectives(const ZImage& image);

// Runtime mode: the template name or alias as written; nullopt otherwise.
std::optional<std::string> RuntimeName(const ZImage& image);

// Runtime mode (section 3.1, Do): the template's Dockerfile with the
// ZImagefile's top-level `args` as global ARGs (declared in every stage)
// and its config keys appended to the last stage.
Result<std::string> ApplyRuntimeSettings(std::string_view template_dockerfile,
                                         const ZImage& image);

}  // namespace zlayer::zimage

#endif  // ZLAYER_ZIMAGE_CONVERT_H_
