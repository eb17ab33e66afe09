// The native build engine: a Dockerfile and build options in, an image in
// the local store out. Planning is plan/'s job; this module runs the plan:
// overlay snapshots per step, RUN in the sandbox, COPY/ADD through copy/,
// one layer per changing step, a content-addressed cache entry per step,
// image assembly and the requested outputs.
//
// The process must have called sandbox::EnterPrivateMountNamespace() while
// single-threaded: every mount the engine makes lives in that namespace.
#ifndef ZLAYER_ENGINE_ENGINE_H_
#define ZLAYER_ENGINE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "oci/media_types.h"
#include "plan/plan.h"
#include "progress/events.h"
#include "registry/client.h"
#include "registry/pull_policy.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::engine {

// --output SPEC.
struct OutputSpec {
  enum class Type { kOci, kOciArchive, kDockerArchive, kLocal, kRegistry };
  Type type = Type::kOci;
  std::string dest;
};
// "type=oci,dest=DIR", "type=local,dest=DIR", "type=registry", and the
// shorthand "DIR" (type=local). Errors are kUsage.
Result<OutputSpec> ParseOutputSpec(std::string_view spec);

// --secret id=ID,src=PATH | id=ID,env=VAR (type=file is accepted too).
struct SecretSpec {
  std::string id;
  std::string src;  // a file
  std::string env;  // or an environment variable
};
Result<SecretSpec> ParseSecretSpec(std::string_view spec);

struct BuildOptions {
  std::string context_dir;
  std::string dockerfile;       // path as given (for messages)
  std::string dockerfile_text;  // its content (stdin for "-f -")
  std::vector<std::string> tags;
  plan::PlanOptions plan;
  bool no_cache = false;          // ignore hits, still write entries
  bool layers = true;             // write cache entries
  int64_t cache_ttl_seconds = 0;  // 0: entries never expire
  bool explain_cache = false;     // miss reasons in events
  bool squash = false;
  oci::Format format = oci::Format::kOci;
  oci::Compression compression = oci::Compression::kGzip;
  int retries = 0;  // extra attempts for a failing RUN
  // SOURCE_DATE_EPOCH: history and config times, and file mtimes in new
  // layers clamped to it (reproducible builds).
  std::optional<int64_t> source_date_epoch;
  std::vector<SecretSpec> secrets;
  std::vector<OutputSpec> outputs;
  std::string iidfile;
  // Base images: --pull policy, registry access (credentials, TLS) and the
  // registry short names resolve against. Tags pushed by
  // --output type=registry resolve against it too.
  registry::PullPolicy pull = registry::PullPolicy::kNewer;
  registry::ClientOptions registry;
  std::string default_registry = "docker.io";
  // Names of images made on this machine for this build (the bases that
  // ZImagefile `build:` directives produce): FROM finds them in the local
  // store as written, never qualified with a registry and never pulled.
  std::set<std::string, std::less<>> local_images;
  const std::atomic<bool>* cancel = nullptr;
  progress::EventSink* events = nullptr;  // null: no events
};

struct PushedImage {
  std::string ref;     // as pushed, fully qualified
  std::string digest;  // the manifest digest the registry has
};

struct BuildResult {
  std::string image_id;         // "sha256:<config digest>"
  std::string manifest_digest;  // "sha256:..."
  std::vector<std::string> tags;
  std::vector<std::string> warnings;
  int steps = 0;
  int cached_steps = 0;
  std::vector<PushedImage> pushed;  // --output type=registry / --push
};

// A way to run a plan. Every backend takes the same plan and options, emits
// the same events and stores its image in `store`; none parses a Dockerfile
// or expands an ARG (the plan holds every instruction expanded).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual Result<BuildResult> Run(store::Store& store, const plan::Plan& plan,
                                  const BuildOptions& options) = 0;
};

// Namespaces and overlay snapshots on this machine (the default).
Backend& NativeBackend();

// Parses options.dockerfile_text, plans it (base images resolved and
// pulled under options.pull) and runs the plan on `backend`.
Result<BuildResult> Build(store::Store& store, const BuildOptions& options,
                          Backend& backend = NativeBackend());

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_ENGINE_H_
