#include "engine/cache_key.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace zlayer::engine {
namespace {

// Length-prefixed fields keep "ab"+"c" and "a"+"bc" apart.
void AddField(base::Sha256& hash, std::string_view field) {
  std::string prefix = std::to_string(field.size()) + ":";
  hash.Update(prefix);
  hash.Update(field);
}

std::map<std::string, std::string> ToMap(const std::vector<std::string>& kvs) {
  std::map<std::string, std::string> map;
  for (const std::string& kv : kvs) {
    size_t eq = kv.find('=');
    map[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  return map;
}

// The first name whose value differs between the two lists.
std::optional<std::string> FirstChanged(const std::vector<std::string>& a,
                                        const std::vector<std::string>& b) {
  std::map<std::string, std::string> before = ToMap(a);
  std::map<std::string, std::string> after = ToMap(b);
  for (const auto& [name, value] : after) {
    auto it = before.find(name);
    if (it == before.end() || it->second != value) return name;
  }
  for (const auto& [name, value] : before) {
    if (!after.contains(name)) return name;
  }
  return std::nullopt;
}

std::string FileChange(const std::vector<copy::InputFile>& before,
                       const std::vector<copy::InputFile>& after) {
  std::map<std::string, std::string> old_files;
  for (const copy::InputFile& file : before) {
    old_files[file.path] = file.hash.ToString();
  }
  for (const copy::InputFile& file : after) {
    auto it = old_files.find(file.path);
    if (it == old_files.end()) return "file " + file.path + " added";
    if (it->second != file.hash.ToString()) {
      return "file " + file.path + " changed";
    }
    old_files.erase(it);
  }
  if (!old_files.empty())
    return "file " + old_files.begin()->first + " removed";
  return "";
}

}  // namespace

std::string StepKey(const std::string& parent, const plan::Step& step,
                    const std::string& inputs_digest) {
  base::Sha256 hash;
  AddField(hash, "zlayer-step-v1");
  AddField(hash, parent);
  AddField(hash, step.canonical);
  for (const std::string& arg : step.cache_args) AddField(hash, arg);
  AddField(hash, inputs_digest);
  return hash.HexDigest();
}

std::string SerializeStepRecord(const StepRecord& record) {
  nlohmann::json files = nlohmann::json::array();
  for (const copy::InputFile& file : record.files) {
    files.push_back({file.path, file.hash.ToString()});
  }
  nlohmann::json json = {{"key", record.key},
                         {"parent", record.parent},
                         {"canonical", record.canonical},
                         {"args", record.args},
                         {"env", record.env},
                         {"files", files},
                         {"inputs", record.inputs}};
  return json.dump();
}

Result<StepRecord> ParseStepRecord(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Fail("step record: not JSON", ErrorKind::kInvalid);
  }
  StepRecord record;
  try {
    record.key = json.value("key", "");
    record.parent = json.value("parent", "");
    record.canonical = json.value("canonical", "");
    record.args = json.value("args", std::vector<std::string>{});
    record.env = json.value("env", std::vector<std::string>{});
    record.inputs = json.value("inputs", "");
    for (const auto& entry : json.value("files", nlohmann::json::array())) {
      ZL_ASSIGN_OR_RETURN(base::Digest digest,
                          base::Digest::Parse(entry.at(1).get<std::string>()));
      record.files.push_back(copy::InputFile{
          .path = entry.at(0).get<std::string>(), .hash = digest});
    }
  } catch (const nlohmann::json::exception& e) {
    return Fail(std::string("step record: ") + e.what(), ErrorKind::kInvalid);
  }
  return record;
}

std::string StepLocation(const std::string& context_dir,
                         const std::string& dockerfile, int stage_index,
                         int step_index) {
  base::Sha256 hash;
  AddField(hash, context_dir);
  AddField(hash, dockerfile);
  AddField(hash, std::to_string(stage_index));
  AddField(hash, std::to_string(step_index));
  return hash.HexDigest();
}

std::string ExplainMiss(const std::optional<StepRecord>& previous,
                        const StepRecord& now, bool first_step) {
  if (!previous) return "no earlier build of this step";
  if (previous->parent != now.parent) {
    return first_step ? "base image changed" : "previous step changed";
  }
  if (auto name = FirstChanged(previous->args, now.args)) {
    return "build arg " + *name + " changed";
  }
  if (auto name = FirstChanged(previous->env, now.env)) {
    return "ENV " + *name + " changed";
  }
  if (previous->canonical != now.canonical) return "instruction changed";
  std::string files = FileChange(previous->files, now.files);
  if (!files.empty()) return files;
  if (previous->key == now.key) return "cache entry expired or pruned";
  if (previous->inputs != now.inputs) {
    if (now.inputs.starts_with("stage:")) return "source stage changed";
    if (now.inputs.starts_with("image:")) return "source image changed";
  }
  return "inputs changed";
}

}  // namespace zlayer::engine
