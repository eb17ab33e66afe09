// What one buildah build shares across its stages.
#ifndef ZLAYER_BUILDAH_BUILD_STATE_H_
#define ZLAYER_BUILDAH_BUILD_STATE_H_

#include <map>
#include <string>
#include <vector>

#include "buildah/cli.h"
#include "buildah/images.h"
#include "buildah/resources.h"
#include "copy/copy.h"
#include "engine/engine.h"
#include "plan/plan.h"
#include "progress/events.h"
#include "store/store.h"

namespace zlayer::buildah {

// The build's scratch directory under the store's work area, with a tmpfs
// for secret files mounted on first use; both go when the build ends.
class WorkDir {
 public:
  static Result<WorkDir> Create(const std::string& path);
  WorkDir(WorkDir&& other) noexcept;
  WorkDir& operator=(WorkDir&&) = delete;
  ~WorkDir();

  const std::string& path() const { return path_; }
  // A fresh directory inside.
  Result<std::string> NewDir(const std::string& hint);
  // The secrets tmpfs (needs the private mount namespace `zlayer build`
  // enters: it dies with the process).
  Result<std::string> SecretsDir();

 private:
  explicit WorkDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::string secrets_;
  int next_ = 0;
};

struct BuildState {
  const Cli& cli;
  store::Store& store;
  const plan::Plan& plan;
  const engine::BuildOptions& options;
  std::string build_id;
  WorkDir& work;
  std::string context_dir;
  // The ignore file buildah applies to context sources: the one the build
  // uses, or an empty file (so buildah never picks up a .containerignore).
  std::string ignore_file;
  std::string empty_ignore_file;  // for sources that are not the context
  const copy::SourceTree& context;
  std::map<std::string, std::string> secrets;
  BaseImages& bases;
  ImageSet& intermediates;
  // Buildah image id of each committed stage (index into plan.stages).
  std::vector<std::string> stage_images;

  void Emit(progress::Event event) const {
    if (options.events != nullptr) options.events->Emit(event);
  }
  bool cancelled() const {
    return options.cancel != nullptr && options.cancel->load();
  }
  // Every secret value in `line` replaced by "****".
  std::string Redact(std::string line) const;
};

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_BUILD_STATE_H_
