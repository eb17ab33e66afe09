// Rendering pieces of the ZImagefile converter.
#ifndef ZLAYER_ZIMAGE_CONVERT_INTERNAL_H_
#define ZLAYER_ZIMAGE_CONVERT_INTERNAL_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "zimage/model.h"
#include "zlayer/result.h"

namespace zlayer::zimage::internal {

// What a step needs to know about the stages before it.
struct StageContext {
  // Final WORKDIR of each earlier stage (for COPY --from, section 6.4).
  const std::map<std::string, std::string>* stage_workdirs = nullptr;
  std::string workdir = "/";  // the current stage's WORKDIR so far
  const std::vector<CacheMount>* default_cache_mounts = nullptr;
};

// `ENV k=v ...` / `LABEL k=v ...`; empty when there are no pairs.
std::string RenderPairs(std::string_view keyword,
                        const std::vector<KeyValue>& pairs);

// One step as Dockerfile lines (each ending in '\n'); updates
// `ctx.workdir` for WORKDIR steps.
Result<std::string> RenderStep(const Step& step, StageContext& ctx);

// The config keys in conversion order; `with_env_workdir` puts ENV and
// WORKDIR first (the top-level block of the last stage).
Result<std::string> RenderConfig(const ZImage& image, const Metadata& meta,
                                 bool with_env_workdir);

// Whether `line` (one instruction, no newline) parses back into a single
// node whose arguments are `args`, not JSON, without heredocs or flags
// other than `flags`.
bool ParsesAs(const std::string& line, const std::vector<std::string>& flags,
              const std::vector<std::string>& args);

// Shell text as the Dockerfile keeps it: surrounding blanks and line
// breaks removed.
std::string TrimShell(std::string_view text);

}  // namespace zlayer::zimage::internal

#endif  // ZLAYER_ZIMAGE_CONVERT_INTERNAL_H_
