// The planner: a typed Dockerfile plus build options become a Plan, the one
// input every backend executes. ARG scoping, ENV/ARG expansion (with the
// shell lexer, in exactly this one place), stage resolution, ONBUILD
// triggers and the image-config evolution of every metadata instruction
// happen here; a backend only runs RUN/COPY/ADD/WORKDIR and makes layers.
#ifndef ZLAYER_PLAN_PLAN_H_
#define ZLAYER_PLAN_PLAN_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dockerfile/instructions.h"
#include "dockerfile/stages.h"
#include "oci/descriptor.h"
#include "oci/image_config.h"
#include "zlayer/result.h"

namespace zlayer::plan {

struct PlanOptions {
  // --build-arg values; the CLI has already taken bare `K` from the
  // environment (and dropped it when unset, as Docker does).
  std::map<std::string, std::string> build_args;
  std::string target;             // stage name or index; empty: last stage
  oci::Platform target_platform;  // empty architecture: the host's
  oci::Platform build_platform;   // empty architecture: the host's
  // RUN --mount specs merged into every RUN; a RUN's own mount with the same
  // target wins (the original design's "default cache mounts").
  std::vector<std::string> default_cache_mounts;
};

// What the planner needs of an image named by FROM, COPY --from or
// RUN --mount from=.
struct ImageInfo {
  std::string ref;  // canonical name as resolved ("busybox:latest")
  std::string id;   // "sha256:<config digest>": identity for cache keys
  oci::ImageConfig config;
};

class ImageResolver {
 public:
  virtual ~ImageResolver() = default;
  // kNotFound with a message naming the image when it is unknown.
  virtual Result<ImageInfo> Resolve(const std::string& ref,
                                    const oci::Platform& platform) = 0;
};

enum class SourceKind { kScratch, kStage, kImage, kContext };

// A filesystem a stage starts from or a step reads from.
struct SourceRef {
  SourceKind kind = SourceKind::kContext;
  int stage = -1;         // kStage: index into Plan::stages
  std::string image_ref;  // kImage: as resolved
  std::string image_id;   // kImage: "sha256:..."

  bool operator==(const SourceRef&) const = default;
};

struct Step {
  int index = 0;  // 0-based within the stage (ONBUILD triggers first)
  // The instruction as written, on one line, heredoc bodies omitted
  // ("RUN make", "COPY --from=build /out /app"): progress and errors.
  std::string text;
  std::string file;  // "Dockerfile:12" (or "ONBUILD from busybox:latest")
  // Expanded exactly as BuildKit does (RUN text never); RUN mounts include
  // the default cache mounts.
  dockerfile::Command command;
  bool from_onbuild = false;
  // The container config the step runs in (Env, User, WorkingDir, Shell...)
  // and the one it leaves behind: metadata instructions only change config.
  oci::ContainerConfig config_before;
  oci::ContainerConfig config_after;
  // RUN's process environment, "K=V": the stage's build state as BuildKit
  // keeps it (config_before.env and the ARGs in scope, each name where it
  // was last assigned, so a later ARG or ENV of the same name wins), then
  // the proxy build args (HTTP_PROXY...) that the state does not set.
  std::vector<std::string> run_env;
  // Build args this step's result depends on, sorted "K=V": for RUN every
  // arg in scope, for other steps those the expansion read.
  std::vector<std::string> cache_args;
  // A deterministic text of everything of the expanded instruction that
  // affects its result (flags, sources, dest, mounts; secrets by id only):
  // the cache key's instruction part and what --explain-cache compares.
  std::string canonical;
  // The history entry's created_by, in BuildKit's format
  // ("RUN |1 A=b /bin/sh -c make # buildkit", "COPY dir /app # buildkit",
  // "ENV A=b", "WORKDIR /app").
  std::string created_by;
  // False for ONBUILD, which BuildKit records in the config only: the
  // engine adds no history entry for the step.
  bool history = true;
  // True for RUN, COPY, ADD and for WORKDIR other than "/" (BuildKit makes
  // no layer for that one): the engine may produce a layer.
  bool changes_filesystem = false;
  // COPY --from / ADD: where sources come from (kContext when no --from).
  SourceRef copy_source;
  // RUN: one per RunCommand::mounts entry; bind/cache mounts with from=
  // point at a stage or an image, others are kContext.
  std::vector<SourceRef> mount_sources;
};

struct PlannedStage {
  int index = 0;          // in the Dockerfile
  std::string name;       // `AS name`, lower-cased; may be empty
  SourceRef base;         // kScratch, kStage or kImage
  std::string base_text;  // FROM's base name after expansion
  oci::Platform platform;
  // The base's config (for scratch: only os/architecture), with OnBuild
  // cleared; the engine starts history and diff_ids from it.
  oci::ImageConfig base_config;
  std::vector<Step> steps;
  // base_config's container config after every step (no rootfs/history).
  oci::ContainerConfig final_config;
  // The image's author after every step: base_config.author, or the last
  // MAINTAINER (an ImageConfig field, not part of ContainerConfig).
  std::string author;
  std::vector<int> deps;  // stages needed first (base, --from, mounts)
};

struct Plan {
  // Only the stages the target needs, in file order; SourceRef::stage and
  // PlannedStage::deps index this vector.
  std::vector<PlannedStage> stages;
  int target = 0;  // index into stages: what the build produces
  // "build arg FOO was not consumed", ARG/ENV lint warnings.
  std::vector<std::string> warnings;
};

// kUsage for an unknown --target; errors name "Dockerfile:LINE:".
Result<Plan> MakePlan(const dockerfile::Dockerfile& dockerfile,
                      const PlanOptions& options, ImageResolver& images);

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_PLAN_H_
