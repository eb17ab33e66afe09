#include "frontend/build.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>
#include <variant>
#include <vector>

#include "progress/events.h"
#include "zimage/convert.h"
#include "zimage/diagnostic.h"
#include "zimage/input.h"

namespace zlayer::frontend {
namespace {

namespace fs = std::filesystem;

// A nested build's events reach the parent's renderer with its stages
// named after the directive, so its steps read as part of the directive.
class DirectiveSink final : public progress::EventSink {
 public:
  DirectiveSink(progress::EventSink* parent, std::string name)
      : parent_(parent), name_(std::move(name)) {}

  void Emit(const progress::Event& event) override {
    progress::Event tagged = event;
    if (auto* build = std::get_if<progress::BuildStarted>(&tagged)) {
      build->file = "build: " + name_ + " (" + build->file + ")";
    } else if (auto* stage = std::get_if<progress::StageStarted>(&tagged)) {
      stage->name = stage->name.empty() ? name_ : name_ + "/" + stage->name;
    }
    parent_->Emit(tagged);
  }

 private:
  progress::EventSink* parent_;
  std::string name_;
};

// A file on the stack of builds in progress.
struct Frame {
  std::string file;    // as named in messages
  fs::path canonical;  // what identifies it
};

// The nested file of a directive and whether it is a ZImagefile.
struct NestedFile {
  std::string path;
  bool zimage = false;
};

Result<NestedFile> FindNestedFile(const zimage::BuildDirective& directive,
                                  const std::string& context) {
  if (directive.file) {
    fs::path file = fs::path(context) / *directive.file;
    return NestedFile{.path = file.lexically_normal().string(),
                      .zimage = DirectiveFileIsZImagefile(*directive.file)};
  }
  ZL_ASSIGN_OR_RETURN(zimage::InputChoice choice,
                      zimage::SelectInputInDirectory({.context_dir = context}));
  return NestedFile{.path = choice.value,
                    .zimage = choice.kind == zimage::InputKind::kZImagefile};
}

// What a nested build takes from its parent (ZIMAGEFILE.md section 7, Do).
engine::BuildOptions NestedOptions(const engine::BuildOptions& parent,
                                   const zimage::BuildDirective& directive,
                                   const std::string& context) {
  engine::BuildOptions child;
  child.context_dir = context;
  for (const zimage::KeyValue& arg : directive.args) {
    child.plan.build_args[arg.key] = arg.value;
  }
  child.plan.target_platform = parent.plan.target_platform;
  child.plan.build_platform = parent.plan.build_platform;
  child.no_cache = parent.no_cache;
  child.layers = parent.layers;
  child.cache_ttl_seconds = parent.cache_ttl_seconds;
  child.explain_cache = parent.explain_cache;
  child.compression = parent.compression;
  child.retries = parent.retries;
  child.source_date_epoch = parent.source_date_epoch;
  child.pull = parent.pull;
  child.registry = parent.registry;
  child.default_registry = parent.default_registry;
  child.cancel = parent.cancel;
  return child;
}

class Builder {
 public:
  Builder(store::Store& store, engine::Backend& backend)
      : store_(store), backend_(backend) {}

  Result<engine::BuildResult> Run(const InputRequest& request,
                                  const Input& input,
                                  engine::BuildOptions options) {
    std::vector<std::string> warnings;
    if (input.zimage) {
      zimage::ConvertOptions convert;
      for (const zimage::BuildRef& ref :
           zimage::BuildDirectives(*input.zimage)) {
        ZL_ASSIGN_OR_RETURN(
            std::string base,
            BuildDependency(*input.zimage, ref, request, options, warnings));
        options.local_images.insert(base);
        convert.build_bases[ref.name] = std::move(base);
      }
      ZL_ASSIGN_OR_RETURN(options.dockerfile_text,
                          zimage::ConvertToDockerfile(*input.zimage, convert));
    } else {
      options.dockerfile_text = input.dockerfile_text;
    }
    options.dockerfile = input.file;
    ZL_ASSIGN_OR_RETURN(engine::BuildResult result,
                        engine::Build(store_, options, backend_));
    result.warnings.insert(result.warnings.begin(), warnings.begin(),
                           warnings.end());
    return result;
  }

  void Push(Frame frame) { stack_.push_back(std::move(frame)); }

 private:
  // Builds one directive's image and returns the local name it is tagged
  // with.
  Result<std::string> BuildDependency(const zimage::ZImage& image,
                                      const zimage::BuildRef& ref,
                                      const InputRequest& request,
                                      const engine::BuildOptions& parent,
                                      std::vector<std::string>& warnings) {
    const zimage::BuildDirective& directive = *ref.directive;
    auto fail = [&](std::string message, ErrorKind kind) {
      return std::unexpected(zimage::PositionedError(image.file, directive.mark,
                                                     std::move(message), kind));
    };
    fs::path dir = directive.context
                       ? fs::path(request.context) / *directive.context
                       : fs::path(request.context);
    std::string context = dir.lexically_normal().string();
    std::error_code ec;
    if (!fs::is_directory(context, ec)) {
      return fail("Failed to read build context at '" + context +
                      "': build context directory not found for build "
                      "directive in '" +
                      ref.name + "'",
                  ErrorKind::kNotFound);
    }
    std::string what =
        "build: directive '" + ref.name + "' (context " + context + ")";
    auto nested_file = FindNestedFile(directive, context);
    if (!nested_file)
      return fail(what + ": " + nested_file.error().message(),
                  nested_file.error().kind());
    fs::path canonical = fs::weakly_canonical(nested_file->path, ec);
    if (ec) canonical = fs::absolute(nested_file->path).lexically_normal();
    auto seen = std::find_if(stack_.begin(), stack_.end(), [&](const Frame& f) {
      return f.canonical == canonical;
    });
    if (seen != stack_.end()) {
      std::string cycle;
      for (auto it = seen; it != stack_.end(); ++it) cycle += it->file + " -> ";
      return fail("build directive cycle: " + cycle + nested_file->path,
                  ErrorKind::kInvalid);
    }

    // The nested build is a Linux build like its parent (ReadInput refused
    // any other target) and keeps the parent's platform pin.
    InputRequest nested_request{.context = context,
                                .file_flag = nested_file->path,
                                .pinned_os = zimage::TargetOs::kLinux,
                                .platform_pinned = request.platform_pinned};
    auto nested_input =
        ReadInputFile(nested_file->path, nested_file->zimage, nested_request);
    if (!nested_input) {
      return fail(what + ": " + nested_input.error().message(),
                  nested_input.error().kind());
    }
    engine::BuildOptions child = NestedOptions(parent, directive, context);
    std::optional<DirectiveSink> events;
    if (parent.events) {
      events.emplace(parent.events, ref.name);
      child.events = &*events;
    }
    stack_.push_back({.file = nested_file->path, .canonical = canonical});
    Result<engine::BuildResult> built =
        Run(nested_request, *nested_input, std::move(child));
    stack_.pop_back();
    if (!built) {
      return fail(what + ": " + built.error().message(), built.error().kind());
    }
    for (const std::string& warning : built->warnings) {
      warnings.push_back("build: " + ref.name + ": " + warning);
    }
    std::string tag = DependencyRepository(ref.name) + ":" +
                      built->image_id.substr(built->image_id.find(':') + 1);
    ZL_RETURN_IF_ERROR(WithContext(store_.Tag(built->image_id, tag), what));
    return tag;
  }

  store::Store& store_;
  engine::Backend& backend_;
  std::vector<Frame> stack_;
};

}  // namespace

std::string DependencyRepository(std::string_view directive_name) {
  // A repository path component is [a-z0-9]+ joined by '.', '_', '__' or
  // runs of '-'; every other character becomes one '-'.
  std::string name;
  for (char c : directive_name) {
    unsigned char u = static_cast<unsigned char>(c);
    bool alnum = std::isalnum(u) && u < 0x80;
    if (alnum) {
      name += static_cast<char>(std::tolower(u));
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  if (name.empty()) name = "stage";
  return "zlayer-build-dep-" + name;
}

bool DirectiveFileIsZImagefile(std::string_view file) {
  std::string lower(file);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower.ends_with(".yml") || lower.ends_with(".yaml") ||
         file.starts_with("ZImagefile");
}

Result<engine::BuildResult> Build(store::Store& store,
                                  const InputRequest& request,
                                  const Input& input,
                                  engine::BuildOptions options,
                                  engine::Backend& backend) {
  Builder builder(store, backend);
  if (!input.file.empty() && input.file != "-") {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(input.file, ec);
    if (!ec) builder.Push({.file = input.file, .canonical = canonical});
  }
  return builder.Run(request, input, std::move(options));
}

}  // namespace zlayer::frontend
