#include "zimage/parse.h"

#include <yaml-cpp/yaml.h>

#include <array>

#include "zimage/parse_internal.h"

namespace zlayer::zimage {
namespace {

using internal::Entry;
using internal::Reader;

const internal::KeyList kTopKeys = {
    "version",  "runtime", "base",        "build",      "steps",
    "platform", "os",      "stages",      "wasm",       "env",
    "workdir",  "expose",  "cmd",         "entrypoint", "user",
    "labels",   "volumes", "healthcheck", "stopsignal", "args"};

constexpr std::array<std::string_view, 4> kWasmModeKeys = {"version", "wasm",
                                                           "runtime", "labels"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class TopReader {
 public:
  TopReader(Reader& r, ZImage& image) : r_(r), image_(image) {}

  void Read(const std::vector<Entry>& entries) {
    for (const Entry& e : entries) ReadKey(e);
    DecideMode(entries);
  }

 private:
  void ReadKey(const Entry& e) {
    const std::string& k = e.key;
    if (k == "version") {
      image_.version = r_.String(e, "");
      if (image_.version && image_.version->value != "1") {
        r_.Error(image_.version->mark,
                 "unsupported version '" + image_.version->value +
                     "', only version \"1\" is supported");
      }
    } else if (k == "runtime") {
      image_.runtime = r_.String(e, "");
    } else if (k == "base") {
      image_.base = internal::ReadWord(r_, e, "");
    } else if (k == "build") {
      image_.build = internal::ReadBuild(r_, e, "", "build");
    } else if (k == "steps") {
      image_.steps = internal::ReadSteps(r_, e, "");
    } else if (k == "platform") {
      image_.platform = internal::ReadPlatform(r_, e, "");
    } else if (k == "os") {
      image_.os = internal::ReadOs(r_, e, "");
    } else if (k == "stages") {
      image_.stages = internal::ReadStages(r_, e);
    } else if (k == "wasm") {
      image_.wasm = internal::ReadWasm(r_, e);
    } else if (k == "args") {
      image_.args = internal::ReadArgs(r_, e, "");
    } else {
      internal::ReadMetadataKey(r_, e, "", image_.meta);
    }
  }

  void DecideMode(const std::vector<Entry>& entries) {
    const Entry* runtime = Find(entries, "runtime");
    const Entry* wasm = Find(entries, "wasm");
    std::optional<WasmTarget> wasm_alias;
    if (image_.runtime) wasm_alias = WasmRuntimeTarget(image_.runtime->value);
    std::vector<std::pair<std::string, Mark>> present;
    if (runtime && !(wasm_alias && !wasm)) {
      present.emplace_back("runtime", runtime->mark);
    }
    if (wasm || wasm_alias) {
      present.emplace_back("wasm", wasm ? wasm->mark : runtime->mark);
    }
    for (const char* key : {"stages", "base", "build"}) {
      if (const Entry* e = Find(entries, key)) {
        present.emplace_back(key, e->mark);
      }
    }
    constexpr std::string_view kRule =
        "exactly one of 'runtime', 'wasm', 'stages', 'base', or 'build' must "
        "be set, but ";
    if (present.empty()) {
      r_.Error(Mark{1, 1}, std::string(kRule) + "none were found");
      return;
    }
    if (present.size() > 1) {
      std::string list;
      for (const auto& [name, mark] : present) {
        list += (list.empty() ? "" : ", ") + name;
      }
      r_.Error(present[1].second,
               std::string(kRule) + "multiple were found: " + list);
      return;
    }
    const std::string& mode = present[0].first;
    if (mode == "runtime") {
      image_.mode = Mode::kRuntime;
      Reject(entries, {"steps"},
             "'steps' need 'base' or 'build'; a 'runtime' image takes none");
    } else if (mode == "wasm") {
      image_.mode = Mode::kWasm;
      if (!wasm) {
        image_.wasm = WasmConfig{};
        image_.wasm->target = *wasm_alias;
        image_.wasm->mark = runtime->mark;
        image_.runtime.reset();
      }
      for (const Entry& e : entries) {
        if (std::find(kWasmModeKeys.begin(), kWasmModeKeys.end(), e.key) ==
            kWasmModeKeys.end()) {
          r_.Error(e.mark, "'" + e.key +
                               "' has no effect in wasm mode (allowed there: "
                               "version, wasm, labels)");
        }
      }
    } else if (mode == "stages") {
      image_.mode = Mode::kMultiStage;
      Reject(entries, {"steps"},
             "top-level 'steps' are not allowed with 'stages'; put them in "
             "a stage");
    } else {
      image_.mode = Mode::kSingleStage;
    }
  }

  void Reject(const std::vector<Entry>& entries,
              std::initializer_list<std::string_view> keys,
              const std::string& message) {
    for (std::string_view key : keys) {
      if (const Entry* e = Find(entries, key)) r_.Error(e->mark, message);
    }
  }

  static const Entry* Find(const std::vector<Entry>& entries,
                           std::string_view key) {
    for (const Entry& e : entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }

  Reader& r_;
  ZImage& image_;
};

}  // namespace

std::optional<WasmTarget> WasmRuntimeTarget(std::string_view runtime) {
  const std::string name = Lower(runtime);
  if (name == "wasm" || name == "webassembly" || name == "wasm-preview2" ||
      name == "wasm-component" || name == "wasi-component") {
    return WasmTarget::kPreview2;
  }
  if (name == "wasm-module" || name == "wasm-preview1") {
    return WasmTarget::kPreview1;
  }
  return std::nullopt;
}

ParseOutcome ParseZImagefileDiagnostics(std::string_view text,
                                        std::string_view file) {
  ParseOutcome out;
  Diagnostics diags{std::string(file)};
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    diags.Add(Mark{e.mark.line + 1, e.mark.column + 1},
              "invalid YAML: " + e.msg);
    out.diagnostics = diags.Sorted();
    return out;
  }
  if (docs.size() > 1) {
    diags.Add(Reader::MarkOf(docs[1], Mark{1, 1}),
              "a ZImagefile holds one YAML document, found " +
                  std::to_string(docs.size()));
  }
  Reader r(diags);
  ZImage image;
  image.file = std::string(file);
  if (docs.empty() || docs[0].IsNull()) {
    r.Error(Mark{1, 1},
            "exactly one of 'runtime', 'wasm', 'stages', 'base', or 'build' "
            "must be set, but none were found");
  } else if (!docs[0].IsMap()) {
    r.Error(Reader::MarkOf(docs[0], Mark{1, 1}),
            "a ZImagefile must be a YAML mapping at the top level");
  } else {
    try {
      std::optional<std::vector<Entry>> entries = r.Mapping(
          docs[0], Mark{1, 1}, "", "ZImagefile", "at the top level", kTopKeys);
      if (entries) TopReader(r, image).Read(*entries);
    } catch (const YAML::Exception& e) {
      diags.Add(Mark{e.mark.line + 1, e.mark.column + 1},
                "invalid YAML: " + e.msg);
    }
  }
  out.diagnostics = diags.Sorted();
  if (out.diagnostics.empty()) out.image = std::move(image);
  return out;
}

Result<ZImage> ParseZImagefile(std::string_view text, std::string_view file) {
  ParseOutcome out = ParseZImagefileDiagnostics(text, file);
  if (!out.image) return std::unexpected(DiagnosticsToError(out.diagnostics));
  return std::move(*out.image);
}

std::string SubstituteVariables(
    std::string_view text, const std::map<std::string, std::string>& vars) {
  if (vars.empty()) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) == "${") {
      const size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        auto it = vars.find(std::string(text.substr(i + 2, close - i - 2)));
        if (it != vars.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace zlayer::zimage
