// Project detection (TEMPLATES.md section 3): which template a directory's
// top-level files call for, refined by the version hints of section 3.1.
// Detection is only a hint; explicit --runtime, ZImagefiles and Dockerfiles
// win, and callers never apply it silently.
#ifndef ZLAYER_TEMPLATES_DETECT_H_
#define ZLAYER_TEMPLATES_DETECT_H_

#include <optional>
#include <string>
#include <vector>

#include "templates/catalogue.h"
#include "zlayer/result.h"

namespace zlayer::templates {

struct Detection {
  Selection selection;
  // Why, for humans: "package.json, .nvmrc says 22".
  std::string reason;
  // Hints that were ignored or could not be met exactly ("engines.node
  // wants 18; node20 is the oldest template").
  std::vector<std::string> warnings;
};

struct DetectOptions {
  // Section 3.1 refinement; off gives the original's plain result
  // (node20 / python312).
  bool version_hints = true;
};

// The first rule of section 3 that matches `dir` (top level only), or
// nullopt when none does. Fails only when `dir` cannot be listed.
Result<std::optional<Detection>> Detect(const std::string& dir,
                                        DetectOptions options = {});

// "node22 (package.json, .nvmrc says 22)", the line `templates detect`
// prints.
std::string DescribeDetection(const Detection& detection);

}  // namespace zlayer::templates

#endif  // ZLAYER_TEMPLATES_DETECT_H_
