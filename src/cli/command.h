// What every subcommand file shares: global options, and the way a command
// reports its outcome back to main().
#ifndef ZLAYER_CLI_COMMAND_H_
#define ZLAYER_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "zlayer/result.h"

namespace zlayer::cli {

struct GlobalOptions {
  std::string root;  // --root / ZLAYER_ROOT; the default depends on the user
  std::string log_level = "warn";
};

// The command chosen on the command line runs after parsing, so that global
// flags given after the subcommand name still apply.
struct Invocation {
  GlobalOptions global;
  std::function<Status()> run;
  // A command that succeeded may still want a non-zero exit code (`run`
  // passes the container's through).
  int exit_code = 0;
};

void RegisterVersionCommand(CLI::App& app, Invocation& invocation);
void RegisterDebugCommand(CLI::App& app, Invocation& invocation);
// Adds `debug verify-store`; call after RegisterDebugCommand.
void RegisterVerifyStoreCommand(CLI::App& app, Invocation& invocation);
void RegisterImagesCommand(CLI::App& app, Invocation& invocation);
void RegisterInspectCommand(CLI::App& app, Invocation& invocation);
void RegisterTagCommand(CLI::App& app, Invocation& invocation);
void RegisterRmiCommand(CLI::App& app, Invocation& invocation);
void RegisterExportCommand(CLI::App& app, Invocation& invocation);
void RegisterImportCommand(CLI::App& app, Invocation& invocation);
void RegisterCacheCommand(CLI::App& app, Invocation& invocation);
void RegisterBuildCommand(CLI::App& app, Invocation& invocation);
void RegisterRunCommand(CLI::App& app, Invocation& invocation);
void RegisterLoginCommand(CLI::App& app, Invocation& invocation);
void RegisterLogoutCommand(CLI::App& app, Invocation& invocation);
void RegisterManifestCommand(CLI::App& app, Invocation& invocation);
void RegisterPullCommand(CLI::App& app, Invocation& invocation);
void RegisterPushCommand(CLI::App& app, Invocation& invocation);
void RegisterTemplatesCommand(CLI::App& app, Invocation& invocation);

}  // namespace zlayer::cli

#endif  // ZLAYER_CLI_COMMAND_H_
