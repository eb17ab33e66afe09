#include "cli/registry_access.h"

#include "registry/reference.h"

namespace zlayer::cli {

void AddRegistryFlags(CLI::App* cmd, RegistryFlags& flags,
                      bool with_default_registry) {
  cmd->add_option("--authfile", flags.authfile,
                  "Registry credentials file (default $REGISTRY_AUTH_FILE, "
                  "$DOCKER_CONFIG/config.json or ~/.docker/config.json)");
  cmd->add_option("--tls-verify", flags.tls_verify,
                  "Verify registry TLS certificates (default true; false "
                  "also allows plain HTTP)")
      ->expected(0, 1)
      ->default_str("true");
  if (with_default_registry) {
    cmd->add_option("--default-registry", flags.default_registry,
                    "Registry for short image names instead of docker.io");
  }
}

Result<RegistryAccess> RegistryAccess::Open(const RegistryFlags& flags) {
  RegistryAccess access;
  if (flags.tls_verify == "false") {
    access.client_.tls_verify = false;
  } else if (!flags.tls_verify.empty() && flags.tls_verify != "true") {
    return Fail("--tls-verify=" + flags.tls_verify + ": want true or false",
                ErrorKind::kUsage);
  }
  if (!flags.default_registry.empty()) {
    std::string host = registry::NormalizeRegistryHost(flags.default_registry);
    // A host must leave a valid reference behind it.
    if (host.empty() || !registry::ParseReference(host + "/probe")) {
      return Fail("--default-registry " + flags.default_registry +
                      ": not a registry host",
                  ErrorKind::kUsage);
    }
    access.default_registry_ = host;
  }
  std::string path =
      flags.authfile.empty() ? registry::DefaultAuthFile() : flags.authfile;
  ZL_ASSIGN_OR_RETURN(registry::AuthFile file, registry::AuthFile::Load(path));
  access.auth_ = std::make_unique<registry::AuthFile>(std::move(file));
  access.client_.credentials = access.auth_.get();
  return access;
}

}  // namespace zlayer::cli
