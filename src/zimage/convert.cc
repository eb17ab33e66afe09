#include "zimage/convert.h"

#include <algorithm>

#include "zimage/convert_internal.h"
#include "zimage/diagnostic.h"
#include "zimage/words.h"

namespace zlayer::zimage {
namespace {

using internal::QuoteWord;
using internal::StageContext;

std::vector<KeyValue> SortedArgs(const ZImage& image) {
  std::vector<KeyValue> args = image.args;
  std::stable_sort(
      args.begin(), args.end(),
      [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
  return args;
}

std::string ArgLine(const KeyValue& kv) {
  if (kv.value.empty()) return "ARG " + kv.key + "\n";
  return "ARG " + kv.key + "=" + QuoteWord(kv.value) + "\n";
}

// Global ARGs before the first FROM.
std::string GlobalArgs(const ZImage& image) {
  std::string out;
  for (const KeyValue& kv : SortedArgs(image)) out += ArgLine(kv);
  return out.empty() ? out : out + "\n";
}

// Top-level args re-declared in a stage (section 6.3, Do), except those the
// stage declares itself.
std::string StageGlobalArgs(const ZImage& image,
                            const std::vector<KeyValue>& stage_args) {
  std::string out;
  for (const KeyValue& kv : SortedArgs(image)) {
    const bool own =
        std::any_of(stage_args.begin(), stage_args.end(),
                    [&](const KeyValue& s) { return s.key == kv.key; });
    if (!own) out += "ARG " + kv.key + "\n";
  }
  return out;
}

Result<std::string> BuiltBase(const ZImage& image, const ConvertOptions& opts,
                              std::string_view name,
                              const BuildDirective& build) {
  const auto it = opts.build_bases.find(name);
  if (it != opts.build_bases.end()) return it->second;
  return std::unexpected(PositionedError(
      image.file, build.mark,
      "the 'build' directive of " +
          (name == kTopLevelBuild ? std::string("the image")
                                  : "stage '" + std::string(name) + "'") +
          " has not been built (no base image was given for it)"));
}

std::string FromLine(const std::string& base, const std::string& platform,
                     const std::string& name) {
  std::string line = "FROM ";
  if (!platform.empty()) line += "--platform=" + platform + " ";
  line += base;
  if (!name.empty()) line += " AS " + name;
  return line + "\n";
}

Result<std::string> Steps(const std::vector<Step>& steps, StageContext& ctx) {
  std::string out;
  for (const Step& step : steps) {
    ZL_ASSIGN_OR_RETURN(std::string text, internal::RenderStep(step, ctx));
    out += text;
  }
  return out;
}

Result<std::string> SingleStage(const ZImage& image,
                                const ConvertOptions& opts) {
  std::string base;
  if (image.build) {
    ZL_ASSIGN_OR_RETURN(base,
                        BuiltBase(image, opts, kTopLevelBuild, *image.build));
  } else {
    base = image.base->value;
  }
  std::string out = GlobalArgs(image);
  out += FromLine(base, image.platform ? image.platform->value : "", "");
  out += StageGlobalArgs(image, {});
  out += internal::RenderPairs("ENV", image.meta.env);
  StageContext ctx;
  ctx.default_cache_mounts = &opts.default_cache_mounts;
  if (image.meta.workdir) {
    out += "WORKDIR " + QuoteWord(image.meta.workdir->value) + "\n";
  }
  ZL_ASSIGN_OR_RETURN(std::string steps, Steps(image.steps, ctx));
  out += steps;
  ZL_ASSIGN_OR_RETURN(std::string config,
                      internal::RenderConfig(image, image.meta, false));
  return out + config;
}

Result<std::string> MultiStage(const ZImage& image,
                               const ConvertOptions& opts) {
  std::string out = GlobalArgs(image);
  std::map<std::string, std::string> workdirs;
  for (size_t i = 0; i < image.stages.size(); ++i) {
    const Stage& stage = image.stages[i];
    StageContext ctx;
    ctx.stage_workdirs = &workdirs;
    ctx.default_cache_mounts = &opts.default_cache_mounts;
    std::string base;
    std::string platform = stage.platform ? stage.platform->value : "";
    if (stage.build) {
      ZL_ASSIGN_OR_RETURN(base,
                          BuiltBase(image, opts, stage.name, *stage.build));
    } else {
      base = stage.base->value;
      if (const auto it = workdirs.find(base); it != workdirs.end()) {
        ctx.workdir = it->second;  // a stage inherits its base stage's WORKDIR
      }
    }
    if (platform.empty() && image.platform && !workdirs.contains(base)) {
      platform = image.platform->value;
    }
    if (i > 0) out += "\n";
    out += FromLine(base, platform, stage.name);
    out += StageGlobalArgs(image, stage.args);
    for (const KeyValue& kv : stage.args) out += ArgLine(kv);
    out += internal::RenderPairs("ENV", stage.meta.env);
    if (stage.meta.workdir) {
      ctx.workdir = internal::JoinPath(ctx.workdir, stage.meta.workdir->value);
      out += "WORKDIR " + QuoteWord(stage.meta.workdir->value) + "\n";
    }
    ZL_ASSIGN_OR_RETURN(std::string steps, Steps(stage.steps, ctx));
    out += steps;
    ZL_ASSIGN_OR_RETURN(std::string config,
                        internal::RenderConfig(image, stage.meta, false));
    out += config;
    workdirs[stage.name] = ctx.workdir;
  }
  ZL_ASSIGN_OR_RETURN(std::string top,
                      internal::RenderConfig(image, image.meta, true));
  return out + top;
}

}  // namespace

Result<std::string> ConvertToDockerfile(const ZImage& image,
                                        const ConvertOptions& options) {
  switch (image.mode) {
    case Mode::kWasm:
      return Fail("wasm builds are not supported yet", ErrorKind::kUnsupported);
    case Mode::kRuntime:
      return Fail("runtime '" + image.runtime->value +
                      "' images come from their template, not from "
                      "conversion",
                  ErrorKind::kInvalid);
    case Mode::kSingleStage:
      return SingleStage(image, options);
    case Mode::kMultiStage:
      return MultiStage(image, options);
  }
  return Fail("unknown ZImagefile mode", ErrorKind::kInvalid);
}

std::vector<BuildRef> BuildDirectives(const ZImage& image) {
  std::vector<BuildRef> out;
  if (image.build) out.push_back({std::string(kTopLevelBuild), &*image.build});
  for (const Stage& stage : image.stages) {
    if (stage.build) out.push_back({stage.name, &*stage.build});
  }
  return out;
}

std::optional<std::string> RuntimeName(const ZImage& image) {
  if (image.mode != Mode::kRuntime || !image.runtime) return std::nullopt;
  return image.runtime->value;
}

}  // namespace zlayer::zimage
