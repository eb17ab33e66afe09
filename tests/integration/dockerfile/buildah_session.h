// buildah as the reference builder: a private storage (vfs driver, so no
// mounts) under a temp dir, the base image imported from the same rootfs
// tarball zlayer imports, builds, and the resulting rootfs and config.
#ifndef ZLAYER_TESTS_INTEGRATION_DOCKERFILE_BUILDAH_SESSION_H_
#define ZLAYER_TESTS_INTEGRATION_DOCKERFILE_BUILDAH_SESSION_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/cli_runner.h"
#include "tests/integration/dockerfile/rootfs_listing.h"
#include "zlayer/result.h"

namespace zlayer::integration {

class BuildahSession {
 public:
  // Storage under `dir` (created). buildah's cache mounts live under
  // $TMPDIR, so the session gives it `dir`/tmp: nothing is shared with other
  // runs.
  explicit BuildahSession(std::string dir);
  ~BuildahSession();
  BuildahSession(const BuildahSession&) = delete;
  BuildahSession& operator=(const BuildahSession&) = delete;

  // `buildah --root .. --runroot .. --storage-driver vfs args...`.
  CommandResult Run(const std::vector<std::string>& args) const;

  // Imports a rootfs tarball as image `name`.
  Status ImportRootfs(const std::string& tar, const std::string& name) const;

  // `buildah build --pull=never --layers=false --identity-label=false -f
  // dockerfile -t tag extra... context`.
  CommandResult Build(const std::string& dockerfile, const std::string& context,
                      const std::string& tag,
                      const std::vector<std::string>& extra) const;

  // The root filesystem of `image`: pushed to an OCI layout and unpacked.
  Result<Listing> ListImage(const std::string& image) const;

  // The "config" object of the image's config, in Docker or OCI form.
  Result<nlohmann::json> ImageConfig(const std::string& image,
                                     bool docker_format) const;

  const std::string& storage_root() const { return root_; }

 private:
  std::string dir_;
  std::string root_;
  std::string runroot_;
  std::string tmp_;
  mutable int unpack_count_ = 0;
};

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_DOCKERFILE_BUILDAH_SESSION_H_
