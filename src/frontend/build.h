// A build from any input: the images of a ZImagefile's `build:` directives
// are built first (ZIMAGEFILE.md section 7, with its Do decisions), each as
// a nested build through the engine, then the file is converted with those
// images as its bases and built.
//
// A nested build gets the directive's context (joined to the parent's
// context directory) and `args:`, and inherits the target OS and platform,
// the pull policy, no-cache, the registry settings, SOURCE_DATE_EPOCH and
// the progress sink (its stage names tagged with the directive's name);
// never the parent's build args, tags, outputs or secrets. Its image is
// tagged `zlayer-build-dep-<name>:<config digest hex>`, so identical
// directives share one image and the layer cache, and is a *local* base of
// the parent: found in the store as named, never qualified or pulled.
#ifndef ZLAYER_FRONTEND_BUILD_H_
#define ZLAYER_FRONTEND_BUILD_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "frontend/input.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::frontend {

// `options` carries everything but the input (dockerfile/dockerfile_text
// are filled in from `input`). `request` is what `input` was read from.
// Errors from a nested build name the directive: `FILE:LINE:COL: build:
// directive 'NAME' (context DIR): ...`; a file reached again through its
// own directives is `build directive cycle: A -> B -> A`. Every build,
// nested ones included, runs on `backend`.
Result<engine::BuildResult> Build(
    store::Store& store, const InputRequest& request, const Input& input,
    engine::BuildOptions options,
    engine::Backend& backend = engine::NativeBackend());

// `zlayer-build-dep-<name>` with `name` case-folded and reduced to a valid
// repository path component ("Build Stage" -> "build-stage").
std::string DependencyRepository(std::string_view directive_name);

// Whether a directive's `file:` is a ZImagefile: a `.yml`/`.yaml` extension
// (any case) or a value starting with `ZImagefile` (the raw string, so
// "sub/ZImagefile" is a Dockerfile, as in the original).
bool DirectiveFileIsZImagefile(std::string_view file);

}  // namespace zlayer::frontend

#endif  // ZLAYER_FRONTEND_BUILD_H_
