// `zlayer run`: a command in a throwaway container of an image, in the
// same sandbox RUN uses. The container's writes go to a temporary overlay
// upper directory that is deleted afterwards.
#ifndef ZLAYER_ENGINE_RUN_IMAGE_H_
#define ZLAYER_ENGINE_RUN_IMAGE_H_

#include <atomic>
#include <string>
#include <vector>

#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::engine {

struct RunImageOptions {
  std::string image;
  // Replaces the image's Cmd (the Entrypoint stays, as in `docker run`).
  std::vector<std::string> command;
  std::vector<std::string> env;  // extra "K=V", override the image's
  std::string user;              // overrides the image's User
  std::string workdir;           // overrides the image's WorkingDir
  bool network_none = false;
  const std::atomic<bool>* cancel = nullptr;
};

// The command's exit code (128+N for signal N). stdio is passed through.
Result<int> RunImage(store::Store& store, const RunImageOptions& options);

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_RUN_IMAGE_H_
