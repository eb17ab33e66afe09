// The seam through which the planner expands `$VAR` references in
// instruction fields. The instruction layer never expands anything itself:
// it only knows which fields BuildKit expands, and hands each of them to
// the planner's shell-word expander (src/shell) through this callable.
#ifndef ZLAYER_DOCKERFILE_EXPANDER_H_
#define ZLAYER_DOCKERFILE_EXPANDER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::dockerfile {

// One word in, one word out (quotes removed, variables substituted).
using WordExpander = std::function<Result<std::string>(std::string_view)>;

// One word in, several out: expansion followed by word splitting, which
// BuildKit uses for EXPOSE only.
using WordsExpander =
    std::function<Result<std::vector<std::string>>(std::string_view)>;

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_EXPANDER_H_
