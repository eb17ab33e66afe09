// Version refinement (TEMPLATES.md section 3.1, the **Do:** rules): the
// version texts of a Node or Python project are parsed as the ranges they
// are, and the newest template that satisfies them is chosen.
#ifndef ZLAYER_TEMPLATES_VERSION_HINTS_H_
#define ZLAYER_TEMPLATES_VERSION_HINTS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "templates/catalogue.h"
#include "zlayer/result.h"

namespace zlayer::templates {

// The outcome of one hint: the chosen template, the reason fragment
// (".nvmrc says 22") and a warning when no template satisfies the hint.
struct VersionChoice {
  Runtime runtime;
  std::string reason;
  std::optional<std::string> warning;
};

// Node: `.nvmrc`, then `.node-version`, then package.json `engines.node`;
// the first present hint decides. nullopt when there is no usable hint
// (unparsable hints add to `warnings` and are skipped).
std::optional<VersionChoice> RefineNode(const std::string& dir,
                                        std::vector<std::string>& warnings);

// Python: `.python-version`, then `requires-python` of pyproject.toml.
std::optional<VersionChoice> RefinePython(const std::string& dir,
                                          std::vector<std::string>& warnings);

// Which of `majors` have a version satisfying the npm semver range `range`
// ("22", "v20.1.0", ">=20 <23", "^20 || ^22", "lts/iron"), in the order
// given. Errors name the part that does not parse.
Result<std::vector<int>> NodeMajorsSatisfying(std::string_view range,
                                              std::span<const int> majors);

// Which Python 3 minors of `minors` have a version satisfying the PEP 440
// specifier set `specifiers` (">=3.11,<3.14", "~=3.12", "==3.13.*").
Result<std::vector<int>> PythonMinorsSatisfying(std::string_view specifiers,
                                                std::span<const int> minors);

}  // namespace zlayer::templates

#endif  // ZLAYER_TEMPLATES_VERSION_HINTS_H_
