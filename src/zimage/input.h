// Which file a build reads (ZIMAGEFILE.md section 1 with its Do, CLI.md
// `-f`): `--runtime NAME` > an explicit `-f` > `CONTEXT/ZImagefile` > the
// unique `CONTEXT/ZImagefile.<suffix>` > `Dockerfile` > `Containerfile`.
#ifndef ZLAYER_ZIMAGE_INPUT_H_
#define ZLAYER_ZIMAGE_INPUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::zimage {

enum class InputKind { kRuntime, kZImagefile, kDockerfile };

struct InputChoice {
  InputKind kind = InputKind::kDockerfile;
  // kRuntime: the template name; otherwise the file: the -f value as
  // given ("-" is stdin), or `<context_dir>/<name>` when auto-detected.
  std::string value;
};

struct InputRequest {
  std::string context_dir;
  // The names of the regular files in context_dir (any order).
  std::vector<std::string> entries;
  std::string file_flag;  // -f; empty when not given
  std::string runtime;    // --runtime; empty when not given
};

// A `-f` value names a ZImagefile when its file name ends in `.yml` or
// `.yaml` (case-insensitive) or starts with `ZImagefile`.
bool IsZImagefileName(std::string_view path);

// Pure: decides from the request alone. Errors: several
// `ZImagefile.<suffix>` candidates (kUsage, `multiple ZImagefile candidates
// in DIR: a, b — pass -f <path> to pick one`), nothing to build (kNotFound).
Result<InputChoice> SelectInput(const InputRequest& request);

// SelectInput over the regular files actually in `request.context_dir`
// (request.entries is filled from the directory).
Result<InputChoice> SelectInputInDirectory(InputRequest request);

}  // namespace zlayer::zimage

#endif  // ZLAYER_ZIMAGE_INPUT_H_
