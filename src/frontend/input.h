// What `zlayer build` reads: a runtime template, a ZImagefile or a
// Dockerfile, chosen as ZIMAGEFILE.md section 1 says, and turned into the
// Dockerfile text the planner takes (one input type for the engine).
#ifndef ZLAYER_CLI_BUILD_INPUT_H_
#define ZLAYER_CLI_BUILD_INPUT_H_

#include <string>

#include "zlayer/result.h"

namespace zlayer::cli {

struct BuildInput {
  // The file as named in messages and used for .dockerignore lookup
  // ("-" for stdin, "" for a runtime template).
  std::string file;
  std::string dockerfile_text;
};

// `file_flag` is -f (may be empty or "-"), `runtime` is --runtime.
// ZImagefile errors list every problem, one `FILE:LINE:COL: message` line
// each.
Result<BuildInput> ResolveBuildInput(const std::string& context,
                                     const std::string& file_flag,
                                     const std::string& runtime);

}  // namespace zlayer::cli

#endif  // ZLAYER_CLI_BUILD_INPUT_H_
