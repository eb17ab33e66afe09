#include "shell/variables.h"

namespace zlayer::shell {

VariableMap VariableMap::FromAssignments(std::span<const std::string> entries) {
  VariableMap map;
  for (const std::string& entry : entries) {
    const std::size_t equals = entry.find('=');
    if (equals == std::string::npos) {
      map.Set(entry, "");
    } else {
      map.Set(entry.substr(0, equals), entry.substr(equals + 1));
    }
  }
  return map;
}

std::optional<std::string_view> VariableMap::Get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace zlayer::shell
