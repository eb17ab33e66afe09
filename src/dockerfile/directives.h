// Parser directives (`# escape=`, `# syntax=`, `# check=`): comment lines at
// the very top of a Dockerfile, each allowed once, ending at the first line
// that is not one.
#ifndef ZLAYER_DOCKERFILE_DIRECTIVES_H_
#define ZLAYER_DOCKERFILE_DIRECTIVES_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::dockerfile {

struct Directive {
  std::string name;  // lower-cased: escape, syntax or check
  std::string value;
};

class DirectiveParser {
 public:
  // Looks at one physical line (newline removed). Returns the directive it
  // holds, nothing once directives are over, or an error for a repeated one.
  Result<std::optional<Directive>> ParseLine(std::string_view line);

 private:
  bool done_ = false;
  std::set<std::string> seen_;
};

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_DIRECTIVES_H_
