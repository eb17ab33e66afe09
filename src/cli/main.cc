// zlayer: a daemonless container image builder.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/log.h"
#include "cli/command.h"
#include "cli/store_access.h"

namespace zlayer::cli {
namespace {

int ExitCodeFor(const Error& error) {
  return error.kind() == ErrorKind::kUsage ? 2 : 1;
}

int Main(int argc, char** argv) {
  CLI::App app{"zlayer: build OCI container images without a daemon", "zlayer"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  Invocation invocation;
  if (const char* root = std::getenv("ZLAYER_ROOT"); root && *root) {
    invocation.global.root = root;
  }
  app.add_option(
      "--root", invocation.global.root,
      "Local store directory (env ZLAYER_ROOT; default /var/lib/zlayer "
      "for root, else $XDG_DATA_HOME/zlayer or ~/.local/share/zlayer)");
  app.add_option("--log-level", invocation.global.log_level,
                 "Diagnostics on stderr: error, warn, info or debug")
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}));

  RegisterVersionCommand(app, invocation);
  RegisterDebugCommand(app, invocation);
  RegisterVerifyStoreCommand(app, invocation);
  RegisterImagesCommand(app, invocation);
  RegisterInspectCommand(app, invocation);
  RegisterTagCommand(app, invocation);
  RegisterRmiCommand(app, invocation);
  RegisterExportCommand(app, invocation);
  RegisterImportCommand(app, invocation);
  RegisterCacheCommand(app, invocation);
  RegisterBuildCommand(app, invocation);
  RegisterRunCommand(app, invocation);
  RegisterLoginCommand(app, invocation);
  RegisterLogoutCommand(app, invocation);
  RegisterManifestCommand(app, invocation);
  RegisterPullCommand(app, invocation);
  RegisterPushCommand(app, invocation);
  RegisterTemplatesCommand(app, invocation);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto level = base::ParseLogLevel(invocation.global.log_level);
  if (!level) {
    std::fprintf(stderr, "error: %s\n", level.error().message().c_str());
    return 2;
  }
  base::SetLogLevel(*level);
  if (invocation.global.root.empty()) invocation.global.root = DefaultRoot();
  if (!invocation.run) return 0;
  Status status = invocation.run();
  if (!status) {
    std::fflush(stdout);
    // A ZImagefile reports every problem, one line each.
    const std::string& message = status.error().message();
    size_t start = 0;
    while (true) {
      size_t end = message.find('\n', start);
      std::fprintf(
          stderr, "error: %.*s\n",
          static_cast<int>((end == std::string::npos ? message.size() : end) -
                           start),
          message.c_str() + start);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return ExitCodeFor(status.error());
  }
  return invocation.exit_code;
}

}  // namespace
}  // namespace zlayer::cli

int main(int argc, char** argv) { return zlayer::cli::Main(argc, argv); }
