// `zlayer login`: stores registry credentials in the auth file. The password
// is read from the terminal without echo or from stdin, never from the
// command line, where other users could see it in the process list.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "base/file_io.h"
#include "cli/command.h"
#include "registry/auth_file.h"
#include "registry/client.h"
#include "registry/reference.h"

namespace zlayer::cli {
namespace {

struct LoginOptions {
  std::string username;
  bool password_stdin = false;
  std::string authfile;
  std::string tls_verify;
  std::string host;
};

// Restores the terminal's echo however the read ends.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

std::string StripNewline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

Result<std::string> PromptLine(const char* prompt, bool echo) {
  std::fprintf(stderr, "%s", prompt);
  std::fflush(stderr);
  std::string line;
  {
    std::unique_ptr<EchoOff> quiet;
    if (!echo) quiet = std::make_unique<EchoOff>(STDIN_FILENO);
    std::getline(std::cin, line);
  }
  if (!echo) std::fprintf(stderr, "\n");
  if (std::cin.bad()) return Fail("reading from the terminal failed");
  return StripNewline(line);
}

// A host as `docker login` accepts it: a name with an optional port, or a
// URL whose scheme and path are ignored.
Result<std::string> LoginHost(const std::string& text) {
  std::string host = registry::NormalizeRegistryHost(text);
  bool bad =
      host.empty() || host.find_first_of(" \t\r\n\"'@") != std::string::npos;
  if (bad) {
    return Fail("invalid registry host \"" + text + "\"", ErrorKind::kUsage);
  }
  return host;
}

Status Verify(const std::string& host, const registry::Credentials& creds,
              const std::string& tls_verify) {
  if (!tls_verify.empty() && tls_verify != "true" && tls_verify != "false") {
    return Fail("--tls-verify=" + tls_verify + ": want true or false",
                ErrorKind::kUsage);
  }
  ZL_ASSIGN_OR_RETURN(registry::Reference probe,
                      registry::ParseReference(host + "/probe"));
  registry::StaticCredentials source({{probe.ApiHost(), creds}});
  registry::ClientOptions options;
  options.credentials = &source;
  options.tls_verify = tls_verify != "false";
  options.max_retries = 1;
  ZL_ASSIGN_OR_RETURN(std::unique_ptr<registry::Client> client,
                      registry::Client::Create(probe.ApiHost(), options));
  return client->CheckAccess();
}

Status Login(const LoginOptions& options) {
  ZL_ASSIGN_OR_RETURN(std::string host, LoginHost(options.host));
  const bool tty = isatty(STDIN_FILENO) == 1;
  std::string username = options.username;
  if (username.empty()) {
    if (!tty || options.password_stdin) {
      return Fail("login: -u USER is required unless stdin is a terminal",
                  ErrorKind::kUsage);
    }
    ZL_ASSIGN_OR_RETURN(username, PromptLine("Username: ", true));
    if (username.empty()) return Fail("login: empty user name");
  }
  std::string password;
  if (tty && !options.password_stdin) {
    ZL_ASSIGN_OR_RETURN(password, PromptLine("Password: ", false));
  } else {
    ZL_ASSIGN_OR_RETURN(std::string all, base::ReadAll(STDIN_FILENO, "stdin"));
    password = StripNewline(std::move(all));
  }
  if (password.empty()) return Fail("login: empty password");

  std::string path =
      options.authfile.empty() ? registry::DefaultAuthFile() : options.authfile;
  ZL_ASSIGN_OR_RETURN(registry::AuthFile file, registry::AuthFile::Load(path));
  registry::Credentials creds;
  creds.username = std::move(username);
  creds.password = std::move(password);
  // Like `docker login`, keep only credentials the registry accepts.
  ZL_RETURN_IF_ERROR(
      WithContext(Verify(host, creds, options.tls_verify), "login to " + host));
  ZL_RETURN_IF_ERROR(
      WithContext(file.Save(host, std::move(creds)), "login to " + host));
  std::printf("Credentials saved to %s\n", path.c_str());
  return Ok();
}

}  // namespace

void RegisterLoginCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "login",
      "Store registry credentials in the auth file (password from the "
      "terminal or stdin)");
  auto options = std::make_shared<LoginOptions>();
  cmd->add_option("-u,--username", options->username, "User name");
  cmd->add_flag("--password-stdin", options->password_stdin,
                "Read the password from stdin");
  cmd->add_option("--authfile", options->authfile,
                  "Credentials file (default $REGISTRY_AUTH_FILE, "
                  "$DOCKER_CONFIG/config.json or ~/.docker/config.json)");
  cmd->add_option("--tls-verify", options->tls_verify,
                  "Verify the registry's TLS certificate (default true)")
      ->expected(0, 1)
      ->default_str("true");
  cmd->add_option("HOST", options->host, "Registry host[:port]")->required();
  cmd->callback([&invocation, options] {
    invocation.run = [options] { return Login(*options); };
  });
}

}  // namespace zlayer::cli
