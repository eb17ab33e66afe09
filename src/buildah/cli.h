// The buildah binary as a child process: one call per buildah subcommand,
// its output captured or streamed, and the child signalled when the build
// is cancelled.
#ifndef ZLAYER_BUILDAH_CLI_H_
#define ZLAYER_BUILDAH_CLI_H_

#include <atomic>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "zlayer/result.h"

namespace zlayer::buildah {

// `buildah` on PATH (an executable file), or the install hint:
// "backend buildah: buildah not found (apt-get install buildah)".
Result<std::string> FindBinary();

class Cli {
 public:
  // `cancel` (may be null) is polled while a child runs: once set, the
  // child gets SIGTERM, and SIGKILL if it is still there 10 s later.
  Cli(std::string binary, const std::atomic<bool>* cancel)
      : binary_(std::move(binary)), cancel_(cancel) {}

  const std::string& binary() const { return binary_; }

  // stdout of a successful run. A failure reads
  // "buildah <subcommand>: exit status 125: <last stderr line>".
  Result<std::string> Output(const std::vector<std::string>& args,
                             const std::string& cwd = "") const;
  // Output lines go to `on_line` as they come; the exit status is returned
  // whatever it is (kCancelled when the build was cancelled meanwhile).
  Result<base::ExitStatus> Stream(const std::vector<std::string>& args,
                                  const base::LineCallback& on_line) const;
  // For cleanup: runs even after cancellation, never fails, and reports
  // whether buildah exited 0.
  bool Quietly(const std::vector<std::string>& args) const;

 private:
  Result<base::RunResult> Run(const std::vector<std::string>& args,
                              base::SubprocessOptions options,
                              bool cancellable) const;

  std::string binary_;
  const std::atomic<bool>* cancel_;
};

// The last non-empty line of buildah's stderr, "Error: " dropped: what a
// failure message shows.
std::string LastErrorLine(const std::string& stderr_text);

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_CLI_H_
