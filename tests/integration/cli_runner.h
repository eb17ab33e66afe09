// Helpers for the integration tests: running the real `zlayer` binary and
// other tools, and building the root filesystem the round trips start from.
#ifndef ZLAYER_TESTS_INTEGRATION_CLI_RUNNER_H_
#define ZLAYER_TESTS_INTEGRATION_CLI_RUNNER_H_

#include <string>
#include <vector>

namespace zlayer::integration {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] searched in PATH) and captures both outputs.
CommandResult RunCommand(const std::vector<std::string>& argv);

// Runs `zlayer --root ROOT args...`.
CommandResult RunZlayer(const std::string& root,
                        const std::vector<std::string>& args);

// Whether `tool` is on PATH.
bool HaveTool(const std::string& tool);

// Fills `dir` with a tree exercising what a layer must carry: files with
// content, nested and empty directories with unusual modes, a relative and
// an absolute symlink, a hardlink pair, setuid/setgid and sticky modes, odd
// owners and a FIFO.
void MakeSampleRootfs(const std::string& dir);

// `tar -C dir -cf out .` with numeric owners.
void TarDirectory(const std::string& dir, const std::string& out);

// The rootfs diff_ids of an image as `skopeo inspect --config` shows them.
std::vector<std::string> SkopeoDiffIds(const std::string& image_ref);
// The layer digests `skopeo inspect` shows.
std::vector<std::string> SkopeoLayers(const std::string& image_ref);

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_CLI_RUNNER_H_
