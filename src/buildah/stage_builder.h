// One planned stage in one buildah working container: its steps, then its
// config and the commit.
#ifndef ZLAYER_BUILDAH_STAGE_BUILDER_H_
#define ZLAYER_BUILDAH_STAGE_BUILDER_H_

#include <optional>
#include <string>
#include <vector>

#include "buildah/argv.h"
#include "buildah/build_state.h"
#include "buildah/resources.h"
#include "plan/plan.h"

namespace zlayer::buildah {

class StageBuilder {
 public:
  StageBuilder(BuildState& build, int stage_index);

  // Creates the container and runs every step, with the events of each.
  Status Run();
  // Applies the stage's config and commits the container as `image` (may
  // be empty for an unnamed image); returns buildah's image id. The build's
  // own image (`is_target`) takes --format, --squash and ONBUILD; the
  // images of other stages are docker-format, so nothing of their config
  // is lost on the way to the stages built on them.
  Result<std::string> Commit(const std::string& image, bool is_target);

  int failed_step() const { return failed_step_; }
  int steps() const { return steps_; }

 private:
  Status RunStep(const plan::Step& step);
  Status ExecuteRun(const plan::Step& step);
  Status ExecuteCopy(const plan::Step& step);
  Status ExecuteWorkdir(const plan::Step& step);
  // COPY --from without --chown keeps the source's owners (Docker's rule),
  // which `buildah copy` cannot do (it makes everything root's): the copy
  // goes through zlayer's copier between the two mounted root filesystems.
  Status CopyKeepingOwners(const plan::Step& step, const std::string& image);
  // None for an optional secret that --secret did not provide.
  Result<std::optional<RunMount>> MapMount(const plan::Step& step, size_t i);
  Result<RunMount> MapContextBind(const dockerfile::Mount& mount,
                                  const std::string& target);
  Result<RunMount> MapImageBind(const plan::Step& step, size_t i,
                                const std::string& image,
                                const std::string& target);
  // The working container's root filesystem, mounted on first use and
  // kept until the commit (one `buildah mount` per stage, not per step).
  Result<std::string> Rootfs();
  // The buildah image a stage or image source is in.
  Result<std::string> ImageOf(const plan::SourceRef& source);
  // "history" text of the stage's layer.
  std::string CreatedBy() const;

  // A container whose root filesystem backs a writable bind mount for one
  // RUN (writes are dropped with it). Declared so the mount goes first.
  struct ScratchView {
    Container container;
    RootfsMount mount;
  };

  BuildState& build_;
  const plan::PlannedStage& stage_;
  int stage_index_;
  Container container_;
  RootfsMount rootfs_;  // after container_: unmounted before it goes
  std::vector<ScratchView> views_;
  int steps_ = 0;
  int failed_step_ = -1;
};

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_STAGE_BUILDER_H_
