#include "tests/integration/dockerfile/config_normalize.h"

namespace zlayer::integration {
namespace {

constexpr const char* kKeys[] = {"Env",        "Cmd",         "Entrypoint",
                                 "WorkingDir", "User",        "ExposedPorts",
                                 "Volumes",    "Labels",      "StopSignal",
                                 "OnBuild",    "Healthcheck", "Shell"};

constexpr char kDefaultPath[] =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool IsEmpty(const nlohmann::json& value) {
  return value.is_null() || (value.is_string() && value.empty()) ||
         (value.is_array() && value.empty()) ||
         (value.is_object() && value.empty());
}

}  // namespace

nlohmann::json NormalizeConfig(const nlohmann::json& config) {
  nlohmann::json out = nlohmann::json::object();
  if (!config.is_object()) return out;
  for (const char* key : kKeys) {
    if (!config.contains(key)) continue;
    nlohmann::json value = config[key];
    if (std::string(key) == "Env" && value.is_array()) {
      nlohmann::json kept = nlohmann::json::array();
      for (const auto& entry : value) {
        if (entry != kDefaultPath) kept.push_back(entry);
      }
      value = kept;
    }
    if (std::string(key) == "Labels" && value.is_object()) {
      value.erase("io.buildah.version");
    }
    if (!IsEmpty(value)) out[key] = value;
  }
  return out;
}

std::string CompareConfig(const nlohmann::json& expected,
                          const nlohmann::json& actual) {
  std::string diff;
  for (const auto& [key, want] : expected.items()) {
    nlohmann::json got =
        actual.contains(key) ? actual[key] : nlohmann::json(nullptr);
    if (got != want) {
      diff += key + ": expected " + want.dump() + ", got " + got.dump() + "\n";
    }
  }
  return diff;
}

}  // namespace zlayer::integration
