#include "engine/engine.h"

#include <string>

#include "dockerfile/stages.h"
#include "engine/store_resolver.h"

namespace zlayer::engine {
namespace {

// A push needs somewhere to go; say so before building, not after.
Status CheckPushTags(const BuildOptions& options) {
  for (const OutputSpec& output : options.outputs) {
    if (output.type == OutputSpec::Type::kRegistry && options.tags.empty()) {
      return Fail(
          "--push / --output type=registry: give the image a name "
          "with -t to push it to",
          ErrorKind::kUsage);
    }
  }
  return Ok();
}

}  // namespace

Result<BuildResult> Build(store::Store& store, const BuildOptions& options,
                          Backend& backend) {
  std::string filename =
      options.dockerfile.empty() ? "Dockerfile" : options.dockerfile;
  ZL_ASSIGN_OR_RETURN(
      dockerfile::Dockerfile parsed,
      dockerfile::ParseDockerfile(options.dockerfile_text, filename));
  ZL_RETURN_IF_ERROR(CheckPushTags(options));
  registry::PullOptions pull;
  pull.client = options.registry;
  pull.default_registry = options.default_registry;
  pull.events = options.events;
  StoreResolver resolver(store, options.pull, std::move(pull),
                         options.local_images);
  ZL_ASSIGN_OR_RETURN(plan::Plan plan,
                      plan::MakePlan(parsed, options.plan, resolver));
  for (std::string& warning : resolver.TakeWarnings()) {
    plan.warnings.push_back(std::move(warning));
  }
  return backend.Run(store, plan, options);
}

}  // namespace zlayer::engine
