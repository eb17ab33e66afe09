// What every backend needs besides the plan: a build id, the secrets read
// from their sources, the number of steps for progress.
#ifndef ZLAYER_ENGINE_BACKEND_SUPPORT_H_
#define ZLAYER_ENGINE_BACKEND_SUPPORT_H_

#include <map>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "plan/plan.h"
#include "zlayer/result.h"

namespace zlayer::engine {

// 16 random hex digits naming one build (work dirs, buildah containers).
std::string NewBuildId();

// --secret values by id; kUsage names the secret whose source is missing.
Result<std::map<std::string, std::string>> ReadSecrets(
    const std::vector<SecretSpec>& specs);

// A path below `root` that stays inside it (a RUN bind mount's source):
// `sub` may not climb out, and the result, resolved through symlinks, is
// checked again. kNotFound when it does not exist.
Result<std::string> PathInside(const std::string& root, const std::string& sub);

// Steps of every stage the plan runs.
int CountSteps(const plan::Plan& plan);

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_BACKEND_SUPPORT_H_
