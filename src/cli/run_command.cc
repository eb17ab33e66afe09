#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/store_access.h"
#include "engine/run_image.h"
#include "sandbox/sandbox.h"

namespace zlayer::cli {
namespace {

struct RunFlags {
  bool rm = false;
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> env;
  std::string user;
  std::string workdir;
  std::string network = "host";
};

Status RunContainer(const GlobalOptions& global, const RunFlags& flags,
                    int& exit_code) {
  ZL_RETURN_IF_ERROR(sandbox::EnterPrivateMountNamespace());
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  engine::RunImageOptions options;
  options.image = flags.image;
  options.command = flags.command;
  options.env = flags.env;
  options.user = flags.user;
  options.workdir = flags.workdir;
  options.network_none = flags.network == "none";
  options.cancel = sandbox::InstallCancelHandlers();
  ZL_ASSIGN_OR_RETURN(exit_code, engine::RunImage(store, options));
  return Ok();
}

}  // namespace

void RegisterRunCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a command in a throwaway container of an image");
  auto flags = std::make_shared<RunFlags>();
  cmd->add_flag("--rm", flags->rm,
                "Remove the container afterwards (always done)");
  cmd->add_option("-e,--env", flags->env, "Set K=V in the container")
      ->allow_extra_args(false);
  cmd->add_option("-u,--user", flags->user, "User[:group] to run as");
  cmd->add_option("-w,--workdir", flags->workdir, "Working directory");
  cmd->add_option("--network", flags->network, "host or none")
      ->check(CLI::IsMember({"host", "none"}));
  cmd->add_option("IMAGE", flags->image, "Image name or id")->required();
  // Everything after the image is the container's command, flags included.
  cmd->prefix_command();
  cmd->footer("COMMAND [ARGS...] after IMAGE replace the image's Cmd.");
  cmd->callback([&invocation, flags, cmd] {
    flags->command = cmd->remaining();
    invocation.run = [&invocation, flags]() -> Status {
      int exit_code = 0;
      ZL_RETURN_IF_ERROR(RunContainer(invocation.global, *flags, exit_code));
      invocation.exit_code = exit_code;
      return Ok();
    };
  });
}

}  // namespace zlayer::cli
