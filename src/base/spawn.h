// fork + exec with the failure of exec reported to the parent. This is the
// low layer under ChildProcess (subprocess.h), which adds pipes, waiting and
// termination; use that unless you manage the child yourself.
#ifndef ZLAYER_BASE_SPAWN_H_
#define ZLAYER_BASE_SPAWN_H_

#include <sys/types.h>

#include <array>
#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::base {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is searched in the parent's PATH
  std::vector<std::string> env;   // the child's complete environment
  std::string cwd;                // empty: the parent's
  // Descriptors to install as the child's stdin, stdout and stderr; -1
  // leaves the parent's in place. They may be close-on-exec.
  std::array<int, 3> stdio = {-1, -1, -1};
  bool new_process_group = false;
};

// The parent's environment (unless `replace`) with `entries` ("KEY=VALUE")
// applied in order: an entry replaces an earlier one with the same key in
// place, so the parent's ordering is kept. Reads `environ`, which is only
// safe while no other thread calls setenv.
std::vector<std::string> MergeEnv(const std::vector<std::string>& entries,
                                  bool replace);

// Starts the child and returns its pid once exec has succeeded; the caller
// must reap it. The child gets an empty signal mask, SIGPIPE at its default
// action, and no descriptor but 0-2 (all others are marked close-on-exec).
// When the child cannot be set up or exec fails, the child is reaped and the
// error names the step: "exec nosuchcmd: No such file or directory" (kind
// kNotFound), "chdir /nope: ...".
Result<pid_t> SpawnProcess(const SpawnSpec& spec);

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_SPAWN_H_
