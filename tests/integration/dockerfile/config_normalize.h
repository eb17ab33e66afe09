// The parts of an image config a Dockerfile decides, in one canonical form
// for zlayer's and buildah's configs and the expected files alike.
#ifndef ZLAYER_TESTS_INTEGRATION_DOCKERFILE_CONFIG_NORMALIZE_H_
#define ZLAYER_TESTS_INTEGRATION_DOCKERFILE_CONFIG_NORMALIZE_H_

#include <nlohmann/json.hpp>
#include <string>

namespace zlayer::integration {

// Keeps Env, Cmd, Entrypoint, WorkingDir, User, ExposedPorts, Volumes,
// Labels, StopSignal, OnBuild, Healthcheck and Shell of an image config's
// "config" object. Empty values are dropped (an empty Cmd and a missing one
// mean the same), as are the default PATH a builder adds to Env when the
// base has none, and buildah's io.buildah.version label.
nlohmann::json NormalizeConfig(const nlohmann::json& config);

// Empty when every key of `expected` has the same value in `actual` (a key
// whose expected value is null must be absent); otherwise one line per
// difference.
std::string CompareConfig(const nlohmann::json& expected,
                          const nlohmann::json& actual);

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_DOCKERFILE_CONFIG_NORMALIZE_H_
