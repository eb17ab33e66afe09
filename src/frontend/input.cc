#include "frontend/input.h"

#include <iostream>
#include <iterator>

#include "base/file_io.h"
#include "templates/render.h"
#include "zimage/convert.h"
#include "zimage/input.h"
#include "zimage/parse.h"
#include "zimage/target_os.h"

namespace zlayer::frontend {
namespace {

Result<std::string> ReadText(const std::string& file) {
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
  templates::Runtime runtime = rendered.selection.runtime;
  if (runtime == templates::Runtime::kWindowsNanoserver ||
      runtime == templates::Runtime::kWindowsServercore) {
    return Fail(what +
                    ": a Windows image needs a Windows host; this host "
                    "runs Linux",
                ErrorKind::kUnsupported);
  }
  return rendered.dockerfile;
}

// Only Linux images can be built on this (Linux) host.
Status CheckTargetOs(std::optional<zimage::TargetOs> pinned,
                     const zimage::ZImage* image, const std::string& what) {
  zimage::TargetOs os = zimage::ResolveTargetOs(pinned, image);
  if (os == zimage::TargetOs::kLinux) return Ok();
  return Fail(what + ": target OS " + std::string(zimage::TargetOsName(os)) +
                  ": a Windows image needs a Windows host; this host runs "
                  "Linux",
              ErrorKind::kUnsupported);
}

Result<Input> ReadZImagefile(const std::string& file,
                             const InputRequest& request) {
  ZL_ASSIGN_OR_RETURN(std::string text, ReadText(file));
  Input input{.file = file};
  std::string name = file == "-" ? "ZImagefile" : file;
  ZL_ASSIGN_OR_RETURN(zimage::ZImage image,
                      zimage::ParseZImagefile(text, name));
  ZL_RETURN_IF_ERROR(CheckTargetOs(request.pinned_os, &image, name));
  if (request.platform_pinned) image.platform.reset();
  if (std::optional<std::string> runtime = zimage::RuntimeName(image)) {
    ZL_ASSIGN_OR_RETURN(
        std::string dockerfile,
        TemplateDockerfile(*runtime, name + ": runtime " + *runtime));
    ZL_ASSIGN_OR_RETURN(input.dockerfile_text,
                        zimage::ApplyRuntimeSettings(dockerfile, image));
    return input;
  }
  if (!zimage::BuildDirectives(image).empty()) {
    input.zimage = std::move(image);
    return input;
  }
  ZL_ASSIGN_OR_RETURN(input.dockerfile_text,
                      zimage::ConvertToDockerfile(image));
  return input;
}

Result<Input> ReadDockerfile(const std::string& file,
                             const InputRequest& request) {
  ZL_RETURN_IF_ERROR(CheckTargetOs(request.pinned_os, nullptr, file));
  Input input{.file = file};
  ZL_ASSIGN_OR_RETURN(input.dockerfile_text, ReadText(file));
  return input;
}

}  // namespace

Result<Input> ReadInputFile(const std::string& file, bool zimage,
                            const InputRequest& request) {
  return zimage ? ReadZImagefile(file, request) : ReadDockerfile(file, request);
}

Result<Input> ReadInput(const InputRequest& request) {
  ZL_ASSIGN_OR_RETURN(
      zimage::InputChoice choice,
      zimage::SelectInputInDirectory({.context_dir = request.context,
                                      .entries = {},
                                      .file_flag = request.file_flag,
                                      .runtime = request.runtime}));
  switch (choice.kind) {
    case zimage::InputKind::kRuntime: {
      std::string what = "--runtime " + choice.value;
      ZL_RETURN_IF_ERROR(CheckTargetOs(request.pinned_os, nullptr, what));
      Input input;
      ZL_ASSIGN_OR_RETURN(input.dockerfile_text,
                          TemplateDockerfile(choice.value, what));
      return input;
    }
    case zimage::InputKind::kZImagefile:
      return ReadZImagefile(choice.value, request);
    case zimage::InputKind::kDockerfile:
      return ReadDockerfile(choice.value, request);
  }
  return Fail("unknown build input", ErrorKind::kInvalid);
}

}  // namespace zlayer::frontend
