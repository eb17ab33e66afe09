// One stage's instructions turned into Steps: expansion with the stage's
// variables, the image-config changes of every instruction, RUN's
// environment and mounts, cache args, canonical texts and history
// (BuildKit's dispatch* functions). Internal to the planner.
#ifndef ZLAYER_PLAN_DISPATCH_H_
#define ZLAYER_PLAN_DISPATCH_H_

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dockerfile/instructions.h"
#include "oci/image_config.h"
#include "plan/env_list.h"
#include "plan/plan.h"
#include "shell/lexer.h"
#include "zlayer/result.h"

namespace zlayer::plan {

// What a COPY --from or RUN --mount from= names, before resolution.
struct SourceSpec {
  enum class Kind { kNone, kStage, kImage };
  Kind kind = Kind::kNone;
  int stage = -1;     // kStage: index in the Dockerfile
  std::string image;  // kImage: the reference as written
};

// A command waiting for dispatch, with what it reads.
struct PendingCommand {
  dockerfile::Command command;
  bool from_onbuild = false;
  // COPY: the --from source (one entry) or none; RUN: one per mount spec,
  // the default cache mounts after the RUN's own.
  std::vector<SourceSpec> sources;
  size_t own_mounts = 0;  // RUN: mount specs written on the instruction
};

// BuildKit's dispatchState as far as the plan needs it.
struct StageState {
  oci::ImageConfig image;
  EnvList env;
  std::vector<dockerfile::KeyValuePairOptional> build_args;
  oci::Platform platform;
  bool cmd_set = false;
  bool entrypoint_set = false;
  bool healthcheck_set = false;
  bool workdir_set = false;
};

// Build-wide inputs every stage's dispatch reads.
struct DispatchContext {
  std::string filename;
  shell::Lexer lexer{'\\'};
  EnvList global_args;
  const std::map<std::string, std::string>* build_args = nullptr;
  // HTTP_PROXY=..., http_proxy=... from the build args, BuildKit's order.
  std::vector<std::string> proxy_env;
  std::vector<std::string> default_cache_mounts;
  // Lint findings, "Dockerfile:LINE: Rule: message"; `lint_skip` holds the
  // rules `# check=skip=` turned off ("all" for every one).
  std::vector<std::string>* warnings = nullptr;
  std::set<std::string> lint_skip;
  // Resolves a source of the stage being dispatched: nullopt when it names
  // a stage that has not been dispatched yet (defined later).
  std::function<Result<std::optional<SourceRef>>(const SourceSpec&)> resolve;

  void Lint(int line, std::string_view rule, std::string message) const;
};

// "Dockerfile:12".
std::string LocationOf(const std::string& filename,
                       const dockerfile::CommandBase& command);

// Makes the step for one command and applies it to `stage`. Errors name
// the command's line.
Result<Step> DispatchCommand(const DispatchContext& ctx, StageState& stage,
                             const std::string& stage_name,
                             PendingCommand pending);

// Sets up a stage's variables from its base image config the way
// dispatchStages does (PATH ensured, WORKDIR normalized).
void InitStageFromImage(StageState& stage);

// BuildKit's default shell for an OS.
std::vector<std::string> DefaultShell(const std::string& os);

// Go's path.Clean.
std::string CleanPath(std::string_view path);

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_DISPATCH_H_
