// The typed model of a ZImagefile (../shared/design/ZIMAGEFILE.md, section
// 4): every key of the four modes, with document order kept for mappings and
// scalars kept as their literal text (`version: 1.10` stays "1.10"). Each
// element remembers where it was written so later stages (conversion,
// `build:` resolution) can report `FILE:LINE:COL: message`.
#ifndef ZLAYER_ZIMAGE_MODEL_H_
#define ZLAYER_ZIMAGE_MODEL_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zlayer::zimage {

// 1-based; 0 when unknown.
struct Mark {
  int line = 0;
  int column = 0;

  bool operator==(const Mark&) const = default;
};

// A scalar string with its position.
struct Text {
  std::string value;
  Mark mark;
};

// One entry of an ordered string mapping (env, labels, args, build args).
struct KeyValue {
  std::string key;
  std::string value;
  Mark mark;  // of the key

  bool operator==(const KeyValue& o) const {
    return key == o.key && value == o.value;
  }
};

// `run`, `cmd`, `entrypoint`, `healthcheck.cmd`, wasm hooks: a string (shell
// form) or a list of strings (exec form).
struct Command {
  bool exec_form = false;
  std::string shell;              // shell form
  std::vector<std::string> args;  // exec form
  Mark mark;
};

enum class CacheSharing { kLocked, kShared, kPrivate };

struct CacheMount {
  std::string target;
  std::optional<std::string> id;
  CacheSharing sharing = CacheSharing::kLocked;
  bool readonly = false;
  Mark mark;
};

enum class Protocol { kTcp, kUdp, kSctp };

struct Port {
  uint16_t number = 0;
  Protocol protocol = Protocol::kTcp;
  Mark mark;
};

struct Healthcheck {
  Command cmd;
  std::optional<std::chrono::nanoseconds> interval;
  std::optional<std::chrono::nanoseconds> timeout;
  std::optional<std::chrono::nanoseconds> start_period;
  std::optional<unsigned> retries;
  Mark mark;
};

enum class StepKind { kRun, kCopy, kAdd, kEnv, kWorkdir, kUser };

// One entry of `steps:`. Which fields are meaningful depends on `kind`; the
// parser guarantees the combination is valid (section 4.3).
struct Step {
  StepKind kind = StepKind::kRun;
  Mark mark;
  Command run;                       // kRun
  std::vector<KeyValue> env;         // kEnv: persistent; kRun: transient
  std::vector<CacheMount> cache;     // kRun
  std::vector<std::string> sources;  // kCopy, kAdd
  std::string to;                    // kCopy, kAdd
  std::optional<Text> from;          // kCopy
  std::optional<std::string> owner;  // kCopy, kAdd
  std::optional<std::string> chmod;  // kCopy, kAdd
  std::string value;                 // kWorkdir, kUser
};

// `build:` (section 7). The short form sets only `context`.
struct BuildDirective {
  std::optional<std::string> context;  // absent: the parent's context
  std::optional<std::string> file;     // relative to the context
  std::vector<KeyValue> args;
  Mark mark;
};

enum class TargetOs { kLinux, kWindows };

// The image-config keys shared by the top level and stages.
struct Metadata {
  std::vector<KeyValue> env;
  std::optional<Text> workdir;
  std::vector<Port> expose;
  std::optional<Text> user;
  std::vector<KeyValue> labels;
  std::vector<Text> volumes;
  std::optional<Healthcheck> healthcheck;
  std::optional<Text> stopsignal;
  std::optional<Command> entrypoint;
  std::optional<Command> cmd;
};

struct Stage {
  std::string name;
  Mark mark;  // of the name
  std::optional<Text> base;
  std::optional<BuildDirective> build;
  std::optional<Text> platform;
  std::optional<TargetOs> os;  // parsed, has no effect (section 8)
  std::vector<KeyValue> args;
  std::vector<Step> steps;
  Metadata meta;
};

enum class WasmTarget { kPreview1, kPreview2 };

// The `wasm:` section (section 4.8; semantics in WASM.md).
struct WasmConfig {
  WasmTarget target = WasmTarget::kPreview2;
  bool optimize = false;
  std::string opt_level = "Oz";
  std::optional<std::string> language;  // absent: auto-detect
  std::optional<std::string> wit;
  std::optional<std::string> world;
  std::optional<std::string> output;
  std::vector<std::string> features;
  std::vector<KeyValue> build_args;
  std::vector<Command> pre_build;
  std::vector<Command> post_build;
  std::optional<std::string> adapter;
  bool oci = true;
  Mark mark;
};

enum class Mode { kRuntime, kSingleStage, kMultiStage, kWasm };

struct ZImage {
  std::string file;  // the name diagnostics use
  Mode mode = Mode::kSingleStage;
  std::optional<Text> version;
  // Runtime mode: the template name or alias as written (the templates
  // module resolves it). WASM aliases never land here: they select kWasm.
  std::optional<Text> runtime;
  // Single-stage mode.
  std::optional<Text> base;
  std::optional<BuildDirective> build;
  std::vector<Step> steps;
  std::optional<Text> platform;
  std::optional<TargetOs> os;
  // Multi-stage mode, in document order; the last one is the output.
  std::vector<Stage> stages;
  // WASM mode.
  std::optional<WasmConfig> wasm;
  Metadata meta;
  std::vector<KeyValue> args;  // global build arguments with defaults
};

}  // namespace zlayer::zimage

#endif  // ZLAYER_ZIMAGE_MODEL_H_
