// What the registry integration tests share: scratch stores and auth files,
// zlayer runs that no credentials of the developer leak into, busybox base
// images, the JSON transfer events of a pull or push, and a snapshot of a
// store to show that a failed pull left nothing behind.
#ifndef ZLAYER_TESTS_INTEGRATION_REGISTRY_REGISTRY_FIXTURE_H_
#define ZLAYER_TESTS_INTEGRATION_REGISTRY_REGISTRY_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {

// A tarball of a root filesystem with Debian's static busybox and its applet
// links. A non-empty `variant` adds /etc/variant with that text, so that
// variants differ in their layer. Made once per variant per process.
const std::string& BusyboxTar(const std::string& variant = "");

// One transfer_progress event.
struct TransferEvent {
  std::string kind;  // pull or push
  std::string ref;
  std::string digest;
  std::string what;   // manifest, config, layer
  std::string state;  // started, running, done, exists, mounted, failed
};

// The transfer_progress events among JSON lines.
std::vector<TransferEvent> TransferEvents(const std::string& json_lines);
// The last state each blob (config or layer) reached, by digest.
std::map<std::string, std::string> FinalBlobStates(
    const std::vector<TransferEvent>& events);

std::string Trim(const std::string& text);
std::vector<std::string> Lines(const std::string& text);

// What a failed command must not change in a store.
struct StoreSnapshot {
  std::string images_json;
  std::set<std::string> blobs;      // paths under ROOT/blobs
  std::set<std::string> tmp_files;  // entries under ROOT/tmp
  bool operator==(const StoreSnapshot&) const = default;
};

// Reads a registry's manifest digest for `ref` (host/repo:tag) with skopeo.
std::string SkopeoDigest(const std::string& ref);

class RegistryFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // A new, empty store directory (created by zlayer on first use).
  std::string NewRoot();

  // `zlayer --root ROOT args...` with REGISTRY_AUTH_FILE = `authfile`
  // (default: this test's auth file, initially absent) and `input` on stdin.
  CommandResult Zl(const std::string& root,
                   const std::vector<std::string>& args,
                   const std::string& input = "",
                   const std::string& authfile = "") const;

  // Imports BusyboxTar(variant) as `name`; returns the image id.
  std::string Import(const std::string& root, const std::string& name,
                     const std::string& variant = "");
  // `zlayer push IMAGE [DEST]`, expected to work; returns the digest.
  std::string Push(const std::string& root, const std::string& image,
                   const std::string& dest = "");
  // `zlayer pull REF`, expected to work; returns the image id.
  std::string Pull(const std::string& root, const std::string& ref);
  nlohmann::json Inspect(const std::string& root, const std::string& image);
  // The layer digests of `zlayer inspect IMAGE`.
  std::vector<std::string> LayerDigests(const std::string& root,
                                        const std::string& image);

  StoreSnapshot Snapshot(const std::string& root);
  // `zlayer debug verify-store` passes.
  void ExpectStoreClean(const std::string& root);

  // Writes this test's auth file with `user:password` for `host`.
  void WriteAuth(const std::string& host, const std::string& user,
                 const std::string& password);

  // A repository name unique to this test: "<suite>-<test>/<name>",
  // lowercased, so tests sharing a registry do not see each other's tags.
  std::string Repo(const std::string& name) const;

  base::TempDir temp_;
  std::string authfile_;

 private:
  int roots_ = 0;
};

// Exactly one stderr line, starting "error: " and containing every one of
// `names`; a non-zero exit. With --progress plain the transfer lines may
// come before it, so for those only the error line is counted.
void ExpectOneLineError(const CommandResult& result,
                        const std::vector<std::string>& names,
                        bool only_line = true);

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_REGISTRY_REGISTRY_FIXTURE_H_
