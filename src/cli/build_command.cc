#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/units.h"
#include "buildah/buildah.h"
#include "cli/command.h"
#include "cli/registry_access.h"
#include "cli/store_access.h"
#include "engine/engine.h"
#include "frontend/build.h"
#include "frontend/input.h"
#include "oci/media_types.h"
#include "progress/renderer.h"
#include "registry/pull_policy.h"
#include "sandbox/sandbox.h"
#include "zimage/target_os.h"

namespace zlayer::cli {
namespace {

struct BuildFlags {
  std::string context = ".";
  std::string file;
  std::vector<std::string> tags;
  std::vector<std::string> build_args;
  std::string target;
  bool no_cache = false;
  std::string pull = "newer";
  std::string platform;
  std::string format = "oci";
  bool squash = false;
  std::string layers = "true";
  std::vector<std::string> cache_from;
  std::vector<std::string> cache_to;
  std::string cache_ttl;
  std::string runtime;
  std::vector<std::string> secrets;
  int retries = 0;
  std::string backend;
  std::string progress = "auto";
  RegistryFlags registry;
  std::vector<std::string> outputs;
  bool push = false;
  std::string iidfile;
  std::string compression = "gzip";
  bool explain_cache = false;
  std::vector<std::string> cache_mounts;
};

Status Unsupported(const std::string& what) {
  return Fail(what + " is not supported yet", ErrorKind::kUnsupported);
}

// Flags that belong to parts not built yet are refused, never ignored.
Status RefuseUnbuilt(const BuildFlags& flags) {
  if (!flags.cache_from.empty() || !flags.cache_to.empty()) {
    return Unsupported("--cache-from/--cache-to (remote layer cache)");
  }
  return Ok();
}

// The backend --backend (else ZLAYER_BACKEND) names; `holder` owns one made
// for this build.
Result<engine::Backend*> SelectBackend(
    const std::string& flag, std::unique_ptr<engine::Backend>& holder) {
  std::string backend = flag;
  std::string source = "--backend";
  if (backend.empty()) {
    if (const char* env = std::getenv("ZLAYER_BACKEND"); env && *env) {
      backend = env;
      source = "ZLAYER_BACKEND";
    }
  }
  // Names are case-insensitive, as the original's ZLAYER_BACKEND is.
  for (char& c : backend) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (backend.empty() || backend == "native") return &engine::NativeBackend();
  if (backend == "buildah") {
    ZL_ASSIGN_OR_RETURN(holder, buildah::OpenBackend());
    return holder.get();
  }
  if (backend == "sandbox") {
    return Fail(source +
                    ": backend sandbox: the macOS sandbox backend needs a "
                    "macOS host; this host runs Linux (use native or buildah)",
                ErrorKind::kUnsupported);
  }
  return Fail(
      source + ": unknown backend \"" + backend + "\" (want native or buildah)",
      ErrorKind::kUsage);
}

Result<oci::Platform> ParsePlatformFlag(const std::string& text) {
  oci::Platform platform;
  if (text.empty()) return platform;
  if (text.find(',') != std::string::npos) {
    return Fail(
        "--platform " + text + ": multi-platform builds are not supported yet",
        ErrorKind::kUnsupported);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() ||
      parts[1].empty()) {
    return Fail("--platform " + text + ": want OS/ARCH[/VARIANT]",
                ErrorKind::kUsage);
  }
  platform.os = parts[0];
  platform.architecture = parts[1];
  if (parts.size() == 3) platform.variant = parts[2];
  return platform;
}

Status Build(const GlobalOptions& global, const BuildFlags& flags) {
  std::unique_ptr<engine::Backend> backend_holder;
  ZL_ASSIGN_OR_RETURN(engine::Backend * backend,
                      SelectBackend(flags.backend, backend_holder));
  ZL_RETURN_IF_ERROR(RefuseUnbuilt(flags));
  engine::BuildOptions options;
  options.context_dir = flags.context;
  ZL_ASSIGN_OR_RETURN(options.plan.target_platform,
                      ParsePlatformFlag(flags.platform));
  frontend::InputRequest request{.context = flags.context,
                                 .file_flag = flags.file,
                                 .runtime = flags.runtime,
                                 .platform_pinned = !flags.platform.empty()};
  if (!flags.platform.empty()) {
    ZL_ASSIGN_OR_RETURN(request.pinned_os,
                        WithContext(zimage::ParseTargetOs(flags.platform),
                                    "--platform " + flags.platform));
  }
  ZL_ASSIGN_OR_RETURN(frontend::Input input, frontend::ReadInput(request));
  options.tags = flags.tags;
  for (const std::string& arg : flags.build_args) {
    size_t eq = arg.find('=');
    if (eq == 0) {
      return Fail("--build-arg " + arg + ": missing name", ErrorKind::kUsage);
    }
    if (eq == std::string::npos) {
      // Docker takes a bare name from the environment, and drops it when
      // the variable is unset.
      if (const char* value = std::getenv(arg.c_str())) {
        options.plan.build_args[arg] = value;
      }
      continue;
    }
    options.plan.build_args[arg.substr(0, eq)] = arg.substr(eq + 1);
  }
  options.plan.target = flags.target;
  options.plan.default_cache_mounts = flags.cache_mounts;
  options.no_cache = flags.no_cache;
  options.layers = flags.layers == "true";
  if (!flags.cache_ttl.empty()) {
    auto ttl = base::ParseDuration(flags.cache_ttl);
    if (!ttl) {
      return Fail("--cache-ttl: " + ttl.error().message(), ErrorKind::kUsage);
    }
    options.cache_ttl_seconds = ttl->count();
  }
  options.explain_cache = flags.explain_cache;
  options.squash = flags.squash;
  options.format =
      flags.format == "docker" ? oci::Format::kDocker : oci::Format::kOci;
  ZL_ASSIGN_OR_RETURN(options.compression,
                      oci::ParseCompression(flags.compression));
  options.retries = flags.retries;
  for (const std::string& spec : flags.secrets) {
    ZL_ASSIGN_OR_RETURN(engine::SecretSpec secret,
                        engine::ParseSecretSpec(spec));
    options.secrets.push_back(std::move(secret));
  }
  for (const std::string& spec : flags.outputs) {
    ZL_ASSIGN_OR_RETURN(engine::OutputSpec output,
                        engine::ParseOutputSpec(spec));
    options.outputs.push_back(std::move(output));
  }
  if (flags.push) {
    options.outputs.push_back({.type = engine::OutputSpec::Type::kRegistry});
  }
  options.iidfile = flags.iidfile;
  ZL_ASSIGN_OR_RETURN(options.pull, registry::ParsePullPolicy(flags.pull));
  ZL_ASSIGN_OR_RETURN(RegistryAccess registry,
                      RegistryAccess::Open(flags.registry));
  options.registry = registry.client();
  options.default_registry = registry.default_registry();
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    long long value = std::strtoll(epoch, &end, 10);
    if (*end != '\0' || value < 0) {
      return Fail(
          std::string("SOURCE_DATE_EPOCH: not a number of seconds: ") + epoch,
          ErrorKind::kUsage);
    }
    options.source_date_epoch = value;
  }

  ZL_ASSIGN_OR_RETURN(progress::Mode mode, progress::ParseMode(flags.progress));
  int progress_fd =
      mode == progress::Mode::kJson ? STDOUT_FILENO : STDERR_FILENO;
  mode = progress::ResolveMode(mode, progress_fd);

  // Mounts made from here on live and die with this process.
  ZL_RETURN_IF_ERROR(sandbox::EnterPrivateMountNamespace());
  options.cancel = sandbox::InstallCancelHandlers();
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  Result<engine::BuildResult> result = Fail("not built");
  {
    std::unique_ptr<progress::EventSink> renderer =
        progress::MakeRenderer(mode, progress_fd);
    options.events = renderer.get();
    result =
        frontend::Build(store, request, input, std::move(options), *backend);
  }
  if (!result) return std::unexpected(std::move(result).error());
  for (const std::string& warning : result->warnings) {
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  for (const engine::PushedImage& pushed : result->pushed) {
    std::fprintf(stderr, "Pushed %s@%s\n", pushed.ref.c_str(),
                 pushed.digest.c_str());
  }
  if (mode != progress::Mode::kJson) {
    std::printf("%s\n", result->image_id.c_str());
  }
  return Ok();
}

}  // namespace

void RegisterBuildCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "build", "Build an image from a Dockerfile (no daemon needed)");
  auto flags = std::make_shared<BuildFlags>();
  cmd->add_option("CONTEXT", flags->context, "Build context directory");
  cmd->add_option("-f,--file", flags->file,
                  "Dockerfile (default CONTEXT/Dockerfile); - reads stdin");
  cmd->add_option("-t,--tag", flags->tags, "Name the image (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--build-arg", flags->build_args,
                  "Build argument K=V, or K to take it from the environment")
      ->allow_extra_args(false);
  cmd->add_option("--target", flags->target, "Stop at this stage");
  cmd->add_flag("--no-cache", flags->no_cache, "Ignore the layer cache");
  cmd->add_option("--pull", flags->pull, "Base image policy")
      ->check(CLI::IsMember({"newer", "always", "never"}));
  cmd->add_option("--platform", flags->platform, "Target platform OS/ARCH");
  cmd->add_option("--format", flags->format, "oci or docker")
      ->check(CLI::IsMember({"oci", "docker"}));
  cmd->add_flag("--squash", flags->squash, "One layer for the final image");
  cmd->add_option("--layers", flags->layers, "Cache every instruction")
      ->check(CLI::IsMember({"true", "false"}));
  cmd->add_option("--cache-from", flags->cache_from, "Remote layer cache")
      ->allow_extra_args(false);
  cmd->add_option("--cache-to", flags->cache_to, "Remote layer cache")
      ->allow_extra_args(false);
  cmd->add_option("--cache-ttl", flags->cache_ttl,
                  "Cache entries older than this are misses (30m, 12h, 7d)");
  cmd->add_option("--cache-mount", flags->cache_mounts,
                  "RUN --mount spec added to every RUN (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--explain-cache", flags->explain_cache,
                "Say why each step missed the cache");
  cmd->add_option("--runtime", flags->runtime, "Build from a runtime template");
  cmd->add_option("--secret", flags->secrets,
                  "id=ID,src=PATH or id=ID,env=VAR (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--retries", flags->retries, "Retry a failing RUN N times")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--backend", flags->backend,
                  "native or buildah (env ZLAYER_BACKEND)");
  cmd->add_option("--progress", flags->progress, "auto, tty, plain or json");
  AddRegistryFlags(cmd, flags->registry, /*with_default_registry=*/true);
  cmd->add_option("-o,--output", flags->outputs,
                  "type=oci|oci-archive|docker-archive|local,dest=PATH or "
                  "type=registry")
      ->allow_extra_args(false);
  cmd->add_flag("--push", flags->push, "Push the tags after the build");
  cmd->add_option("--iidfile", flags->iidfile, "Write the image id here");
  cmd->add_option("--compression", flags->compression, "gzip, zstd or none");
  cmd->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Build(invocation.global, *flags);
    };
  });
}

}  // namespace zlayer::cli
