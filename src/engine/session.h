// What one build shares across its stages: the store, the plan, snapshots,
// the context, secrets, stage results and the event sink.
#ifndef ZLAYER_ENGINE_SESSION_H_
#define ZLAYER_ENGINE_SESSION_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "copy/copy.h"
#include "copy/hash_cache.h"
#include "engine/engine.h"
#include "engine/snapshots.h"
#include "oci/image_config.h"
#include "plan/plan.h"
#include "progress/events.h"
#include "store/store.h"

namespace zlayer::engine {

// A stage's filesystem and config once built.
struct StageResult {
  std::vector<LayerRef> layers;
  oci::ImageConfig config;  // rootfs and history filled in
  std::string key;          // cache key of the final state
  int steps = 0;
  int cached_steps = 0;
};

class Session {
 public:
  Session(store::Store& store, const store::Lease& lease,
          const BuildOptions& options, const plan::Plan& plan,
          std::string build_id, std::string work_dir, copy::SourceTree context,
          std::unique_ptr<copy::HashCache> hashes,
          std::map<std::string, std::string> secrets);

  store::Store& store() { return store_; }
  // Held for the whole build: blobs written stay safe from GC until the
  // cache entry or image that names them is committed.
  const store::Lease& lease() const { return lease_; }
  const BuildOptions& options() const { return options_; }
  const plan::Plan& plan() const { return plan_; }
  Snapshots& snapshots() { return snapshots_; }
  const copy::SourceTree& context() const { return context_; }
  copy::HashCache* hashes() { return hashes_.get(); }
  const std::string& build_id() const { return build_id_; }

  // A fresh, empty directory under the build's work directory.
  Result<std::string> NewDir(const std::string& hint);

  // The secret's bytes; kNotFound when --secret did not provide it.
  const std::string* Secret(const std::string& id) const;
  // Writes the secret to a new file in the build's secrets directory (a
  // tmpfs: never on disk, never in a layer) for one RUN to bind-mount.
  Result<std::string> WriteSecretFile(const std::string& id, uid_t uid,
                                      gid_t gid, uint32_t mode);
  void set_secrets_dir(std::string dir) { secrets_dir_ = std::move(dir); }
  // Replaces every secret value in `line` by "****".
  std::string Redact(std::string line) const;

  void Emit(progress::Event event);
  // Set on SIGINT/SIGTERM (BuildOptions::cancel) and when a stage fails,
  // so the other stages stop too; RUN polls it.
  const std::atomic<bool>* abort_flag() const { return &abort_; }
  bool cancelled() const { return abort_.load(); }
  void Abort() { abort_.store(true); }

  // Stage results, published by the stage's runner and awaited by stages
  // that depend on it. Wait returns null when that stage failed.
  void Publish(int stage, std::optional<StageResult> result);
  const StageResult* Wait(int stage);

  // Layers of an image in the store, base first.
  Result<std::vector<LayerRef>> ImageLayers(const std::string& image_id);

 private:
  store::Store& store_;
  const store::Lease& lease_;
  const BuildOptions& options_;
  const plan::Plan& plan_;
  Snapshots snapshots_;
  std::string build_id_;
  std::string work_dir_;
  copy::SourceTree context_;
  std::unique_ptr<copy::HashCache> hashes_;
  std::map<std::string, std::string> secrets_;
  std::string secrets_dir_;

  std::mutex mu_;
  std::condition_variable published_;
  std::vector<bool> done_;
  std::vector<std::optional<StageResult>> results_;
  int next_dir_ = 0;
  std::mutex emit_mu_;
  std::atomic<bool> abort_{false};
};

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_SESSION_H_
