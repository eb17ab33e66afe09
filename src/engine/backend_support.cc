#include "engine/backend_support.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "base/file_io.h"

namespace zlayer::engine {

std::string NewBuildId() {
  std::random_device device;
  std::mt19937_64 random(
      device() ^ static_cast<uint64_t>(::getpid()) ^
      static_cast<uint64_t>(
          std::chrono::steady_clock::now().time_since_epoch().count()));
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx",
                static_cast<unsigned long long>(random()));
  return text;
}

Result<std::map<std::string, std::string>> ReadSecrets(
    const std::vector<SecretSpec>& specs) {
  std::map<std::string, std::string> secrets;
  for (const SecretSpec& spec : specs) {
    if (!spec.env.empty()) {
      const char* value = std::getenv(spec.env.c_str());
      if (value == nullptr) {
        return Fail("--secret id=" + spec.id + ": environment variable " +
                        spec.env + " is not set",
                    ErrorKind::kUsage);
      }
      secrets[spec.id] = value;
      continue;
    }
    auto content = base::ReadFile(spec.src);
    if (!content) {
      return Fail("--secret id=" + spec.id + ": " + content.error().message(),
                  ErrorKind::kUsage);
    }
    secrets[spec.id] = std::move(*content);
  }
  return secrets;
}

int CountSteps(const plan::Plan& plan) {
  int steps = 0;
  for (const plan::PlannedStage& stage : plan.stages) {
    steps += static_cast<int>(stage.steps.size());
  }
  return steps;
}

// A path below `root` that stays inside it: `sub` may not climb out, and
// the result is resolved through symlinks and checked again.
Result<std::string> PathInside(const std::string& root,
                               const std::string& sub) {
  std::filesystem::path relative =
      std::filesystem::path("/" + sub).lexically_normal().relative_path();
  std::error_code ec;
  std::filesystem::path real_root = std::filesystem::canonical(root, ec);
  if (ec) return Fail("resolve " + root + ": " + ec.message(), ErrorKind::kIo);
  std::filesystem::path full =
      std::filesystem::canonical(real_root / relative, ec);
  if (ec) {
    return Fail("mount source " + sub + ": " + ec.message(),
                ErrorKind::kNotFound);
  }
  std::string text = full.string();
  std::string root_text = real_root.string();
  if (text != root_text && text.rfind(root_text + "/", 0) != 0) {
    return Fail("mount source " + sub + " resolves outside its source",
                ErrorKind::kInvalid);
  }
  return text;
}

}  // namespace zlayer::engine
