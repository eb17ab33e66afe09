#include "plan/env_list.h"

#include <algorithm>

namespace zlayer::plan {

void EnvList::Set(std::string_view key, std::string value) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const auto& entry) { return entry.first == key; });
  if (it != entries_.end()) entries_.erase(it);
  entries_.emplace_back(std::string(key), std::move(value));
}

std::optional<std::string_view> EnvList::Get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string> EnvList::Keys() const {
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const auto& entry : entries_) keys.push_back(entry.first);
  return keys;
}

std::vector<std::string> EnvList::ToArray() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [key, value] : entries_) out.push_back(key + "=" + value);
  return out;
}

std::pair<std::string, std::string> SplitKeyValue(std::string_view entry) {
  size_t eq = entry.find('=');
  if (eq == std::string_view::npos) return {std::string(entry), ""};
  return {std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1))};
}

}  // namespace zlayer::plan
