// RAII mounts the engine uses outside the container: overlay snapshots for
// RUN and COPY, and read-only views of a stage or image for COPY --from
// and RUN --mount=type=bind. Meant for the private mount namespace of
// EnterPrivateMountNamespace(), so a crash cannot leak them.
#ifndef ZLAYER_SANDBOX_MOUNTS_H_
#define ZLAYER_SANDBOX_MOUNTS_H_

#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::sandbox {

class ScopedMount {
 public:
  ScopedMount() = default;
  ScopedMount(ScopedMount&& other) noexcept;
  ScopedMount& operator=(ScopedMount&& other) noexcept;
  ScopedMount(const ScopedMount&) = delete;
  ScopedMount& operator=(const ScopedMount&) = delete;
  ~ScopedMount();  // Unmount(), errors logged

  // Writable overlay at `target` (an existing empty directory): `lowers`
  // top-most first (may be empty: then an empty lower is used), `upper` and
  // `work` on the same filesystem. Mounted with redirect_dir=off,
  // metacopy=off, index=off so the upper dir is a plain layer diff
  // (layer/change_set.h).
  static Result<ScopedMount> Overlay(const std::vector<std::string>& lowers,
                                     const std::string& upper,
                                     const std::string& work,
                                     const std::string& target);
  // Read-only view of `lowers` (top-most first): an overlay for two or
  // more, a read-only bind mount for one, an empty read-only tmpfs for none.
  static Result<ScopedMount> ReadOnlyView(
      const std::vector<std::string>& lowers, const std::string& target);
  static Result<ScopedMount> Bind(const std::string& source,
                                  const std::string& target, bool readonly);

  const std::string& target() const { return target_; }
  bool mounted() const { return !target_.empty(); }
  // Lazy-free unmount (MNT_DETACH); a second call is a no-op.
  Status Unmount();

 private:
  explicit ScopedMount(std::string target) : target_(std::move(target)) {}
  std::string target_;
};

}  // namespace zlayer::sandbox

#endif  // ZLAYER_SANDBOX_MOUNTS_H_
