// Where the shell-word expander looks variables up. Dockerfile expansion
// reads a stage's ENV values and declared ARGs; the planner owns that scope
// and presents it through this interface, tests use VariableMap.
#ifndef ZLAYER_SHELL_VARIABLES_H_
#define ZLAYER_SHELL_VARIABLES_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace zlayer::shell {

class Variables {
 public:
  virtual ~Variables() = default;

  // The value of `name`, or nullopt when it is not defined. A variable set
  // to the empty string is defined: `${X-d}` keeps it, `${X:-d}` does not.
  // Names are case-sensitive, as on every Unix. The view must stay valid
  // for the duration of the expansion call.
  virtual std::optional<std::string_view> Get(std::string_view name) const = 0;
};

// Variables held in an ordered map.
class VariableMap final : public Variables {
 public:
  VariableMap() = default;
  VariableMap(
      std::initializer_list<std::pair<const std::string, std::string>> values)
      : values_(values) {}

  // Builds the map from `NAME=value` entries, as in a process environment
  // or `--build-arg`: an entry without `=` defines NAME as empty, and a
  // later entry for the same name wins.
  static VariableMap FromAssignments(std::span<const std::string> entries);

  void Set(std::string name, std::string value) {
    values_.insert_or_assign(std::move(name), std::move(value));
  }

  std::optional<std::string_view> Get(std::string_view name) const override;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace zlayer::shell

#endif  // ZLAYER_SHELL_VARIABLES_H_
