// Build-cache keys and the records --explain-cache compares.
//
// A step's key is the SHA-256 of its parent's key, the planner's canonical
// text of the expanded instruction, the build args it depends on and the
// digest of what it reads (files for COPY/ADD and bind mounts). The
// parent of a stage's first step is its base: "scratch", "image:<id>" or
// the key of the stage it builds on. COPY --link steps have no parent: the
// layer does not depend on what is below it.
#ifndef ZLAYER_ENGINE_CACHE_KEY_H_
#define ZLAYER_ENGINE_CACHE_KEY_H_

#include <optional>
#include <string>
#include <vector>

#include "copy/copy.h"
#include "plan/plan.h"
#include "zlayer/result.h"

namespace zlayer::engine {

std::string StepKey(const std::string& parent, const plan::Step& step,
                    const std::string& inputs_digest);

// The inputs of one step as last built at one place of one Dockerfile.
struct StepRecord {
  std::string key;
  std::string parent;
  std::string canonical;
  std::vector<std::string> args;  // "K=V"
  std::vector<std::string> env;   // "K=V", the config's Env before the step
  std::vector<copy::InputFile> files;
  // The input digest: "stage:<key>" / "image:<id>" for --from sources.
  std::string inputs;
};

std::string SerializeStepRecord(const StepRecord& record);
Result<StepRecord> ParseStepRecord(const std::string& text);

// Identifies a step across builds: the context, the Dockerfile, the stage
// and the step position.
std::string StepLocation(const std::string& context_dir,
                         const std::string& dockerfile, int stage_index,
                         int step_index);

// Why `now` missed, against the last record at the same location:
// "no earlier build of this step", "file a/b.txt changed", "build arg V
// changed", "ENV PATH changed", "instruction changed", "base image
// changed", "previous step changed", "cache entry expired or pruned".
std::string ExplainMiss(const std::optional<StepRecord>& previous,
                        const StepRecord& now, bool first_step);

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_CACHE_KEY_H_
