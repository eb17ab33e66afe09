#include "cli/build_input.h"

#include <iostream>
#include <iterator>

#include "base/file_io.h"
#include "templates/render.h"
#include "zimage/convert.h"
#include "zimage/input.h"
#include "zimage/parse.h"

namespace zlayer::cli {
namespace {

Result<std::string> ReadInput(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin),
                       std::istreambuf_iterator<char>());
  }
  return base::ReadFile(file);
}

// A template's Dockerfile; the wasm pseudo-template is issue 9's.
Result<std::string> TemplateDockerfile(const std::string& name,
                                       const std::string& what) {
  ZL_ASSIGN_OR_RETURN(templates::Rendered rendered,
                      WithContext(templates::RenderByName(name), what));
  if (rendered.is_wasm()) {
    return Fail(what + ": wasm builds are not supported yet",
                ErrorKind::kUnsupported);
  }
  return rendered.dockerfile;
}

Result<std::string> ZImagefileDockerfile(const std::string& file) {
  ZL_ASSIGN_OR_RETURN(std::string text, ReadInput(file));
  std::string name = file == "-" ? "ZImagefile" : file;
  ZL_ASSIGN_OR_RETURN(zimage::ZImage image,
                      zimage::ParseZImagefile(text, name));
  if (std::optional<std::string> runtime = zimage::RuntimeName(image)) {
    ZL_ASSIGN_OR_RETURN(
        std::string dockerfile,
        TemplateDockerfile(*runtime, name + ": runtime " + *runtime));
    return zimage::ApplyRuntimeSettings(dockerfile, image);
  }
  if (!zimage::BuildDirectives(image).empty()) {
    return Fail(name + ": build: directives are not supported yet",
                ErrorKind::kUnsupported);
  }
  return zimage::ConvertToDockerfile(image);
}

}  // namespace

Result<BuildInput> ResolveBuildInput(const std::string& context,
                                     const std::string& file_flag,
                                     const std::string& runtime) {
  ZL_ASSIGN_OR_RETURN(zimage::InputChoice choice,
                      zimage::SelectInputInDirectory({.context_dir = context,
                                                      .entries = {},
                                                      .file_flag = file_flag,
                                                      .runtime = runtime}));
  BuildInput input;
  switch (choice.kind) {
    case zimage::InputKind::kRuntime: {
      ZL_ASSIGN_OR_RETURN(
          input.dockerfile_text,
          TemplateDockerfile(choice.value, "--runtime " + choice.value));
      return input;
    }
    case zimage::InputKind::kZImagefile: {
      input.file = choice.value;
      ZL_ASSIGN_OR_RETURN(input.dockerfile_text,
                          ZImagefileDockerfile(choice.value));
      return input;
    }
    case zimage::InputKind::kDockerfile: {
      input.file = choice.value;
      ZL_ASSIGN_OR_RETURN(input.dockerfile_text, ReadInput(choice.value));
      return input;
    }
  }
  return Fail("unknown build input", ErrorKind::kInvalid);
}

}  // namespace zlayer::cli
