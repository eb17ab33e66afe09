#include "engine/backend_support.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
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

}  // namespace zlayer::engine
