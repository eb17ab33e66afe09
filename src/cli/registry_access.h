// Registry flags shared by pull, push, login, manifest and build:
// --authfile, --tls-verify and --default-registry, turned into the
// registry client's options. The credential source lives here so that the
// ClientOptions pointing at it stay valid for the command's lifetime.
#ifndef ZLAYER_CLI_REGISTRY_ACCESS_H_
#define ZLAYER_CLI_REGISTRY_ACCESS_H_

#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "registry/auth_file.h"
#include "registry/client.h"
#include "zlayer/result.h"

namespace zlayer::cli {

struct RegistryFlags {
  std::string authfile;
  std::string tls_verify;  // "", "true" or "false"
  std::string default_registry;
};

// Adds --authfile and --tls-verify, and --default-registry when asked.
void AddRegistryFlags(CLI::App* cmd, RegistryFlags& flags,
                      bool with_default_registry);

class RegistryAccess {
 public:
  // Loads the auth file (--authfile, else DefaultAuthFile()). A malformed
  // --tls-verify or --default-registry value is a kUsage error.
  static Result<RegistryAccess> Open(const RegistryFlags& flags);

  RegistryAccess(RegistryAccess&&) = default;
  RegistryAccess& operator=(RegistryAccess&&) = default;

  // Valid while this object lives.
  const registry::ClientOptions& client() const { return client_; }
  const std::string& default_registry() const { return default_registry_; }
  const registry::AuthFile& auth_file() const { return *auth_; }

 private:
  RegistryAccess() = default;

  std::unique_ptr<registry::AuthFile> auth_;
  registry::ClientOptions client_;
  std::string default_registry_ = "docker.io";
};

}  // namespace zlayer::cli

#endif  // ZLAYER_CLI_REGISTRY_ACCESS_H_
