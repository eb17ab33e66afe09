// `zlayer logout`: removes a registry's credentials from the auth file and
// from the credential helper serving it.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "registry/auth_file.h"
#include "registry/reference.h"

namespace zlayer::cli {
namespace {

struct LogoutOptions {
  std::string authfile;
  std::string host;
};

Status Logout(const LogoutOptions& options) {
  std::string host = registry::NormalizeRegistryHost(options.host);
  if (host.empty()) {
    return Fail("invalid registry host \"" + options.host + "\"",
                ErrorKind::kUsage);
  }
  std::string path =
      options.authfile.empty() ? registry::DefaultAuthFile() : options.authfile;
  ZL_ASSIGN_OR_RETURN(registry::AuthFile file, registry::AuthFile::Load(path));
  ZL_RETURN_IF_ERROR(file.Erase(host));
  std::printf("Removed credentials for %s\n", host.c_str());
  return Ok();
}

}  // namespace

void RegisterLogoutCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand("logout", "Remove registry credentials");
  auto options = std::make_shared<LogoutOptions>();
  cmd->add_option("--authfile", options->authfile,
                  "Credentials file (default $REGISTRY_AUTH_FILE, "
                  "$DOCKER_CONFIG/config.json or ~/.docker/config.json)");
  cmd->add_option("HOST", options->host, "Registry host[:port]")->required();
  cmd->callback([&invocation, options] {
    invocation.run = [options] { return Logout(*options); };
  });
}

}  // namespace zlayer::cli
