// One build case: a directory under cases/ with
//   Dockerfile            the file to build
//   context/              the build context (optional; empty when missing)
//   args                  optional, one directive a line ('#' comments):
//     build-arg K=V         --build-arg for both builds
//     second-build-arg K=V  build twice; the second build adds this arg and
//                           its result is the one checked (cache mounts)
//     target STAGE          --target
//     secret id=ID,src=F    --secret, F relative to the case directory; the
//                           content must appear in no file of the store
//     format docker         --format docker (HEALTHCHECK, ONBUILD, SHELL)
//     only PREFIX           compare only paths at or below PREFIX
//     expect-fail TEXT      the build must fail; zlayer's stderr must hold
//                           "error:" and TEXT
//     ctx-symlink T P       make symlink P -> T in the context copy
//     ctx-mkdir P           make an empty directory (git keeps none)
//     ctx-chmod MODE P      chmod in the context copy (octal)
//     ctx-tar ARCHIVE DIR [UID:GID]
//                           tar the entries of DIR (relative to the case
//                           directory) into context/ARCHIVE, compressed by
//                           its extension, owned by UID:GID (default 0:0)
//   expected.listing      DiffListings(base, result) as text
//   expected.config.json  the normalized config fields to check (optional)
//   buildah-skip          the reason buildah cannot build this case
#ifndef ZLAYER_TESTS_INTEGRATION_DOCKERFILE_CASE_SPEC_H_
#define ZLAYER_TESTS_INTEGRATION_DOCKERFILE_CASE_SPEC_H_

#include <optional>
#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::integration {

struct CaseSetupStep {
  std::string verb;  // ctx-symlink, ctx-mkdir, ctx-chmod, ctx-tar
  std::vector<std::string> operands;
};

struct CaseSecret {
  std::string id;
  std::string src;  // relative to the case directory
};

struct CaseSpec {
  std::string name;
  std::string dir;
  std::vector<std::string> build_args;
  std::vector<std::string> second_build_args;
  std::string target;
  std::vector<CaseSecret> secrets;
  bool docker_format = false;
  std::vector<std::string> only;
  std::optional<std::string> expect_fail;
  std::vector<CaseSetupStep> setup;
  std::optional<std::string> buildah_skip;
  // Why zlayer's buildah backend refuses the case (a feature buildah 1.28
  // lacks), from `buildah-backend-skip`.
  std::optional<std::string> buildah_backend_skip;
};

// Reads `dir`/args and `dir`/buildah-skip; errors name the file and line.
Result<CaseSpec> LoadCaseSpec(const std::string& dir);

// The case directories below `cases_dir`, sorted by name.
std::vector<std::string> ListCaseNames(const std::string& cases_dir);

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_DOCKERFILE_CASE_SPEC_H_
