#include "engine/run_image.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "base/temp_dir.h"
#include "engine/snapshots.h"
#include "oci/image_config.h"
#include "sandbox/mounts.h"
#include "sandbox/sandbox.h"
#include "sandbox/users.h"

namespace zlayer::engine {
namespace {

// Later entries win by name.
std::vector<std::string> MergeEnv(std::vector<std::string> env,
                                  const std::vector<std::string>& extra) {
  for (const std::string& kv : extra) {
    std::string name = kv.substr(0, kv.find('='));
    std::erase_if(env, [&](const std::string& existing) {
      return existing.substr(0, existing.find('=')) == name;
    });
    env.push_back(kv);
  }
  return env;
}

}  // namespace

Result<int> RunImage(store::Store& store, const RunImageOptions& options) {
  ZL_ASSIGN_OR_RETURN(store::ImageRecord image, store.GetImage(options.image));
  ZL_ASSIGN_OR_RETURN(std::string config_text, store.blobs().Read(image.id));
  ZL_ASSIGN_OR_RETURN(oci::ImageConfig config,
                      oci::ParseImageConfig(config_text));
  std::vector<LayerRef> layers = LayersOf(image);
  ZL_ASSIGN_OR_RETURN(store::Lease lease, store.AcquireLease());
  Snapshots snapshots(store);
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> lowers,
                      snapshots.Lowers(layers));

  std::error_code ec;
  std::filesystem::create_directories(store.WorkDir(), ec);
  ZL_ASSIGN_OR_RETURN(base::TempDir dir,
                      base::TempDir::Create(store.WorkDir(), "run-"));
  std::string upper = dir.path() + "/upper";
  std::string work = dir.path() + "/work";
  std::string merged = dir.path() + "/merged";
  for (const std::string& path : {upper, work, merged}) {
    if (::mkdir(path.c_str(), 0755) != 0) {
      return FailErrno("mkdir " + path, errno);
    }
  }
  ZL_ASSIGN_OR_RETURN(
      sandbox::ScopedMount mount,
      sandbox::ScopedMount::Overlay(lowers, upper, work, merged));

  const oci::ContainerConfig& c = config.config;
  sandbox::RunSpec spec;
  spec.rootfs = merged;
  spec.argv = c.entrypoint;
  const std::vector<std::string>& cmd =
      options.command.empty() ? c.cmd : options.command;
  spec.argv.insert(spec.argv.end(), cmd.begin(), cmd.end());
  if (spec.argv.empty()) {
    return Fail("image " + options.image +
                    " has no Entrypoint or Cmd: give a command to run",
                ErrorKind::kUsage);
  }
  spec.env = MergeEnv(c.env, options.env);
  std::string workdir =
      options.workdir.empty() ? c.working_dir : options.workdir;
  spec.cwd = workdir.empty() ? "/" : workdir;
  std::string user = options.user.empty() ? c.user : options.user;
  ZL_ASSIGN_OR_RETURN(sandbox::Credentials credentials,
                      sandbox::ResolveUser(merged, user, true));
  spec.uid = credentials.uid;
  spec.gid = credentials.gid;
  spec.supplementary_gids = credentials.supplementary_gids;
  sandbox::AddDefaultEnv(spec.env, credentials.home);
  spec.network_none = options.network_none;
  spec.cancel = options.cancel;
  ZL_ASSIGN_OR_RETURN(sandbox::RunResult result, sandbox::Run(spec));
  ZL_RETURN_IF_ERROR(mount.Unmount());
  return result.exit_code;
}

}  // namespace zlayer::engine
