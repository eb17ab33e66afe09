// Nanoserver images ship no package manager: a RUN that calls choco or
// winget on such a base can only fail, deep in the build and with an opaque
// "'choco' is not recognized". The original design catches it before the
// build starts; so does this check, which the planner runs right after the
// FROM lines are expanded (before any base image is pulled), whatever the
// target OS.
#ifndef ZLAYER_PLAN_WINDOWS_DEPS_H_
#define ZLAYER_PLAN_WINDOWS_DEPS_H_

#include <optional>
#include <string>
#include <string_view>

#include "dockerfile/stages.h"
#include "zlayer/result.h"

namespace zlayer::plan {

// Whether an (expanded) image name is a nanoserver image, e.g.
// "mcr.microsoft.com/windows/nanoserver:ltsc2022".
bool IsNanoserverImage(std::string_view image);

// The package manager a RUN command line calls at a command position
// ("choco", "winget", with or without ".exe", any case), if any.
std::optional<std::string> PackageManagerCalled(
    const dockerfile::RunCommand& run);

// kInvalid at the first RUN of `stage` (whose base is the nanoserver image
// `base`) that calls a package manager: `Dockerfile:7: RUN: choco is not
// available on a nanoserver base (IMAGE has no package manager); use a
// servercore base, or COPY the tool in`.
Status CheckNanoserverStage(const dockerfile::Stage& stage,
                            std::string_view base, const std::string& filename);

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_WINDOWS_DEPS_H_
