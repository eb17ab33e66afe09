// `stages:` (section 4.2) and the `wasm:` section (4.8).
#include <algorithm>
#include <map>

#include "zimage/parse_internal.h"

namespace zlayer::zimage::internal {
namespace {

const KeyList kStageKeys = {
    "base",        "build",      "platform",   "os",     "args", "env",
    "workdir",     "steps",      "labels",     "expose", "user", "volumes",
    "healthcheck", "stopsignal", "entrypoint", "cmd"};

const KeyList kWasmKeys = {"target",     "optimize",  "opt_level",  "language",
                           "wit",        "world",     "output",     "features",
                           "build_args", "pre_build", "post_build", "adapter",
                           "oci"};

// BuildKit's rule for `AS name`, which also keeps names usable in tags and
// never numeric (numbers address stages by index).
bool ValidStageName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

Stage ReadStage(Reader& r, const Entry& entry) {
  Stage stage;
  stage.name = entry.key;
  stage.mark = entry.mark;
  const std::string prefix = "stage '" + stage.name + "': ";
  if (!ValidStageName(stage.name)) {
    r.Error(entry.mark, "stage name '" + stage.name +
                            "' is invalid: use lower-case letters, digits, "
                            "'.', '_' and '-', starting with a letter");
  }
  std::optional<std::vector<Entry>> entries =
      r.Mapping(entry.value, entry.mark, "", entry.key,
                "in stage '" + stage.name + "'", kStageKeys);
  if (!entries) return stage;
  for (const Entry& e : *entries) {
    if (e.key == "base") {
      stage.base = ReadWord(r, e, prefix);
    } else if (e.key == "build") {
      stage.build = ReadBuild(r, e, prefix, "build");
    } else if (e.key == "platform") {
      stage.platform = ReadPlatform(r, e, prefix);
    } else if (e.key == "os") {
      stage.os = ReadOs(r, e, prefix);
    } else if (e.key == "args") {
      stage.args = ReadArgs(r, e, prefix);
    } else if (e.key == "steps") {
      stage.steps = ReadSteps(r, e, stage.name);
    } else {
      ReadMetadataKey(r, e, prefix, stage.meta);
    }
  }
  const bool has_base =
      std::any_of(entries->begin(), entries->end(),
                  [](const Entry& e) { return e.key == "base"; });
  const auto build =
      std::find_if(entries->begin(), entries->end(),
                   [](const Entry& e) { return e.key == "build"; });
  if (!has_base && build == entries->end()) {
    r.Error(entry.mark, prefix +
                            "exactly one of 'base' or 'build' must be set, "
                            "but neither was found");
  } else if (has_base && build != entries->end()) {
    r.Error(build->mark, prefix +
                             "'base' and 'build' are mutually exclusive, but "
                             "both were set");
  }
  return stage;
}

// Stage references must point backwards (section 3.3, Do).
void CheckReferences(Reader& r, const std::vector<Stage>& stages) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < stages.size(); ++i) index.emplace(stages[i].name, i);
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage& s = stages[i];
    const std::string prefix = "stage '" + s.name + "': ";
    if (s.base) {
      auto it = index.find(s.base->value);
      if (it != index.end() && it->second >= i) {
        r.Error(s.base->mark, prefix + "base '" + s.base->value +
                                  "' refers to a stage that is not defined "
                                  "before it");
      }
    }
    for (size_t n = 0; n < s.steps.size(); ++n) {
      const std::optional<Text>& from = s.steps[n].from;
      if (!from) continue;
      auto it = index.find(from->value);
      const std::string loc =
          "stage '" + s.name + "', step " + std::to_string(n + 1) + ": ";
      if (it != index.end() && it->second >= i) {
        r.Error(from->mark, loc + "'from' '" + from->value +
                                "' refers to a stage that is not defined "
                                "before it");
      } else if (AllDigits(from->value)) {
        r.Error(from->mark, loc + "'from' '" + from->value +
                                "' is neither a stage name nor an image "
                                "reference");
      }
    }
  }
}

std::string OneOf(std::initializer_list<std::string_view> values) {
  std::string out = "[";
  for (std::string_view v : values) {
    if (out.size() > 1) out += ", ";
    out += "\"" + std::string(v) + "\"";
  }
  return out + "]";
}

void CheckChoice(Reader& r, const Text& text, std::string_view key,
                 std::initializer_list<std::string_view> values) {
  if (std::find(values.begin(), values.end(), text.value) != values.end()) {
    return;
  }
  r.Error(text.mark, std::string(key) + " must be one of " + OneOf(values) +
                         ", got '" + text.value + "'");
}

void ReadHooks(Reader& r, const Entry& e, std::vector<Command>& out) {
  if (!e.value.IsSequence()) {
    r.Error(Reader::MarkOf(e.value, e.mark),
            "'" + e.key + "' must be a list of commands");
    return;
  }
  for (const YAML::Node& item : e.value) {
    std::optional<Command> c = r.ReadCommand(item, e.mark, "", e.key, false);
    if (c) out.push_back(std::move(*c));
  }
}

}  // namespace

std::vector<Stage> ReadStages(Reader& r, const Entry& entry) {
  std::vector<Stage> out;
  std::optional<std::vector<Entry>> entries =
      r.Mapping(entry.value, entry.mark, "", "stages", "", {});
  if (!entries) return out;
  if (entries->empty()) {
    r.Error(entry.mark, "'stages' must define at least one stage");
  }
  for (const Entry& e : *entries) out.push_back(ReadStage(r, e));
  CheckReferences(r, out);
  return out;
}

std::optional<WasmConfig> ReadWasm(Reader& r, const Entry& entry) {
  WasmConfig w;
  w.mark = entry.mark;
  if (entry.value.IsNull()) return w;  // `wasm:` alone: all defaults
  std::optional<std::vector<Entry>> entries = r.Mapping(
      entry.value, entry.mark, "", "wasm", "in the wasm section", kWasmKeys);
  if (!entries) return std::nullopt;
  for (Entry e : *entries) {
    e.key = "wasm." + e.key;  // messages name the full key
    if (e.key == "wasm.optimize" || e.key == "wasm.oci") {
      (e.key == "wasm.oci" ? w.oci : w.optimize) =
          r.Bool(e, "").value_or(e.key == "wasm.oci");
    } else if (e.key == "wasm.build_args") {
      w.build_args = r.StringMap(e, "");
    } else if (e.key == "wasm.pre_build" || e.key == "wasm.post_build") {
      ReadHooks(r, e, e.key == "wasm.pre_build" ? w.pre_build : w.post_build);
    } else if (e.key == "wasm.features") {
      for (Text& t : r.StringList(e, "", false).value_or(std::vector<Text>{})) {
        w.features.push_back(std::move(t.value));
      }
    } else if (std::optional<Text> t = r.String(e, "")) {
      if (e.key == "wasm.target") {
        CheckChoice(r, *t, e.key, {"preview1", "preview2"});
        w.target = t->value == "preview1" ? WasmTarget::kPreview1
                                          : WasmTarget::kPreview2;
      } else if (e.key == "wasm.opt_level") {
        CheckChoice(r, *t, e.key, {"O", "Os", "Oz", "O2", "O3"});
        w.opt_level = t->value;
      } else if (e.key == "wasm.language") {
        CheckChoice(r, *t, e.key,
                    {"rust", "go", "python", "typescript", "assemblyscript",
                     "c", "zig"});
        w.language = t->value;
      } else if (e.key == "wasm.world") {
        CheckChoice(
            r, *t, e.key,
            {"zlayer-plugin", "zlayer-http-handler", "zlayer-transformer",
             "zlayer-authenticator", "zlayer-rate-limiter", "zlayer-middleware",
             "zlayer-router"});
        w.world = t->value;
      } else {
        (e.key == "wasm.wit"      ? w.wit
         : e.key == "wasm.output" ? w.output
                                  : w.adapter) = t->value;
      }
    }
  }
  return w;
}

}  // namespace zlayer::zimage::internal
