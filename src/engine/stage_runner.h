// Runs one planned stage: per step, the cache key, a cache lookup, and on
// a miss the step itself on an overlay snapshot of the stage's layers.
#ifndef ZLAYER_ENGINE_STAGE_RUNNER_H_
#define ZLAYER_ENGINE_STAGE_RUNNER_H_

#include <optional>
#include <string>
#include <vector>

#include "copy/copy.h"
#include "engine/session.h"
#include "engine/snapshots.h"
#include "plan/plan.h"
#include "sandbox/mounts.h"
#include "sandbox/sandbox.h"

namespace zlayer::engine {

// The result of running one filesystem step.
struct StepOutcome {
  std::optional<LayerRef> layer;  // none: the step changed nothing
  int64_t created = 0;            // unix seconds
};

// What a COPY/ADD or a bind mount reads, made available as a directory.
struct SourceView {
  std::string dir;             // the tree's root on the host
  sandbox::ScopedMount mount;  // held while dir is a mounted view
  std::optional<copy::SourceTree> tree;
};

class StageRunner {
 public:
  StageRunner(Session& session, int stage_index);
  Result<StageResult> Run();
  // The step that failed (its index in the stage), -1 if none did.
  int failed_step() const { return failed_step_; }

 private:
  Status RunStep(const plan::Step& step);
  Status ApplyMetadataStep(const plan::Step& step);

  // Cache-key input digest for COPY/ADD or RUN's bind mounts.
  Result<std::string> InputsDigest(const plan::Step& step,
                                   std::vector<copy::InputFile>* files);
  Result<const StageResult*> WaitForStage(const plan::SourceRef& source);
  Result<std::string> SourceIdentity(const plan::SourceRef& source);
  Result<std::vector<LayerRef>> SourceLayers(const plan::SourceRef& source);
  // Mounts a read-only view of a stage or image (the context is used in
  // place).
  Result<SourceView> OpenSource(const plan::SourceRef& source);

  // Runs `op` on a writable overlay of `lowers` and turns the upper
  // directory into a layer.
  Result<StepOutcome> OnSnapshot(
      const plan::Step& step, const std::vector<LayerRef>& lowers,
      const std::function<Status(const std::string& merged)>& op);
  Result<StepOutcome> CommitUpper(const std::string& upper);

  Status ExecuteRun(const plan::Step& step, const std::string& merged);
  Status ExecuteCopy(const plan::Step& step, const std::string& merged);
  Status ExecuteWorkdir(const plan::Step& step, const std::string& merged);

  std::string Location(const plan::Step& step) const;

  Session& session_;
  const plan::PlannedStage& stage_;
  int stage_index_;
  std::vector<LayerRef> layers_;
  oci::ImageConfig config_;
  std::string key_;
  int64_t last_created_ = 0;
  int steps_ = 0;
  int cached_steps_ = 0;
  int failed_step_ = -1;
  // Views and mounts a step holds while it runs.
  std::vector<SourceView> step_views_;
};

// COPY --link / ADD --link: the layer is built apart from the image below.
bool IsLinkCopy(const plan::Step& step);

// mkdir -p of `path` inside `root` (symlinks resolved inside it); new
// directories are 0755 and owned by uid:gid.
Status MkdirAllInRoot(const std::string& root, const std::string& path,
                      uid_t uid, gid_t gid);

// WORKDIR on the root filesystem `root`: its directory made as
// MkdirAllInRoot does, owned by the step's USER (BuildKit's behaviour).
Status MakeWorkdir(const std::string& root, const plan::Step& step);

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_STAGE_RUNNER_H_
