// A corpus of hostile archives, each refused by `zlayer import` with a
// one-line error naming what is wrong, writing nothing outside the store's
// scratch space and leaving no image, no scratch files behind.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/sha256.h"
#include "base/temp_dir.h"
#include "extract/tar_testing.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

using extract::testing::Compress;
using extract::testing::TarBuilder;

struct HostileCase {
  std::string name;
  std::string archive;
  std::string expected_error;  // a fragment of the one-line error
};

std::string Hex(const std::string& data) {
  return std::string(base::Digest::Of(data).hex());
}

std::string Descriptor(const std::string& media_type, const std::string& data) {
  return nlohmann::json{{"mediaType", media_type},
                        {"digest", "sha256:" + Hex(data)},
                        {"size", data.size()}}
      .dump();
}

// An OCI layout archive of a one-layer image; the hooks corrupt one part.
struct LayoutParts {
  std::string layer = TarBuilder().File("hello", "world").Finish();
  std::string diff_id;  // defaults to the layer's own
  bool corrupt_manifest_blob = false;
  bool manifest_as_symlink = false;
};

std::string OciLayoutArchive(const LayoutParts& parts) {
  std::string diff_id =
      parts.diff_id.empty() ? "sha256:" + Hex(parts.layer) : parts.diff_id;
  std::string config =
      nlohmann::json{{"architecture", "amd64"},
                     {"os", "linux"},
                     {"rootfs", {{"type", "layers"}, {"diff_ids", {diff_id}}}}}
          .dump();
  std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
      Descriptor("application/vnd.oci.image.config.v1+json", config) +
      R"(,"layers":[)" +
      Descriptor("application/vnd.oci.image.layer.v1.tar", parts.layer) + "]}";
  std::string index =
      R"({"schemaVersion":2,"manifests":[)" +
      Descriptor("application/vnd.oci.image.manifest.v1+json", manifest) + "]}";
  TarBuilder tar;
  tar.File("oci-layout", R"({"imageLayoutVersion":"1.0.0"})")
      .File("index.json", index)
      .Dir("blobs")
      .Dir("blobs/sha256")
      .File("blobs/sha256/" + Hex(config), config)
      .File("blobs/sha256/" + Hex(parts.layer), parts.layer);
  std::string manifest_path = "blobs/sha256/" + Hex(manifest);
  if (parts.manifest_as_symlink) {
    tar.Symlink(manifest_path, "/etc/passwd");
  } else if (parts.corrupt_manifest_blob) {
    std::string bad = manifest;
    bad[bad.size() - 2] = ' ';
    tar.File(manifest_path, bad);
  } else {
    tar.File(manifest_path, manifest);
  }
  return tar.Finish();
}

std::string DockerArchive(const std::string& layer_path, bool symlink_layer) {
  std::string layer = TarBuilder().File("hello", "world").Finish();
  std::string config =
      nlohmann::json{
          {"architecture", "amd64"},
          {"os", "linux"},
          {"rootfs",
           {{"type", "layers"}, {"diff_ids", {"sha256:" + Hex(layer)}}}}}
          .dump();
  std::string manifest = nlohmann::json::array({{{"Config", "config.json"},
                                                 {"RepoTags", {"evil:latest"}},
                                                 {"Layers", {layer_path}}}})
                             .dump();
  TarBuilder tar;
  tar.File("config.json", config).File("manifest.json", manifest);
  if (symlink_layer) tar.Symlink(layer_path, "/etc/passwd");
  return tar.Finish();
}

std::vector<HostileCase> Corpus(const std::string& outside) {
  std::string deep;
  for (int i = 0; i < 600; ++i) deep += "d/";
  std::string plain = TarBuilder().File("a", "b").Finish();
  return {
      {"dotdot", TarBuilder().File("../../../zlayer-pwned", "x").Finish(),
       "../../../zlayer-pwned"},
      {"absolute", TarBuilder().File(outside + "/zlayer-pwned", "x").Finish(),
       outside + "/zlayer-pwned"},
      {"symlink_then_write",
       TarBuilder()
           .Symlink("link", outside)
           .File("link/zlayer-pwned", "x")
           .Finish(),
       "link/zlayer-pwned"},
      {"symlink_dotdot_then_write",
       TarBuilder().Symlink("up", "..").File("up/zlayer-pwned", "x").Finish(),
       "up/zlayer-pwned"},
      {"hardlink_absolute",
       TarBuilder().Hardlink("zlayer-pwned", "/etc/passwd").Finish(),
       "zlayer-pwned"},
      {"hardlink_dotdot",
       TarBuilder().Hardlink("zlayer-pwned", "../../../../etc/passwd").Finish(),
       "zlayer-pwned"},
      {"truncated",
       TarBuilder()
           .Add({.name = "short", .data = "abc", .claimed_size = 100000})
           .Unterminated(),
       "short"},
      {"absurd_size",
       TarBuilder()
           .Add({.name = "huge", .data = "", .claimed_size = int64_t{1} << 50})
           .Finish(),
       "huge"},
      {"name_too_long", TarBuilder().File(std::string(5000, 'n'), "x").Finish(),
       "nnnnnnnn"},
      {"too_deep", TarBuilder().File(deep + "f", "x").Finish(), "d/d/d/d"},
      {"nested_gzip", Compress(Compress(plain, "gzip"), "gzip"), "nested"},
      {"oci_blob_digest_mismatch",
       OciLayoutArchive({.corrupt_manifest_blob = true}),
       "does not match its digest"},
      {"oci_wrong_diff_id",
       OciLayoutArchive({.diff_id = "sha256:" + std::string(64, 'a')}),
       "diff_id"},
      {"oci_blob_symlink", OciLayoutArchive({.manifest_as_symlink = true}),
       "not a regular file"},
      {"docker_layer_dotdot", DockerArchive("../../../../etc/passwd", false),
       "../../../../etc/passwd"},
      {"docker_layer_symlink", DockerArchive("layer.tar", true), "layer.tar"},
  };
}

class MaliciousImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto temp = base::TempDir::Create("", "zlayer-hostile-");
    ASSERT_TRUE(temp.has_value()) << temp.error().message();
    temp_ = std::move(*temp);
    root_ = temp_.path() + "/root";
    outside_ = temp_.path() + "/outside";
    ASSERT_EQ(::mkdir(outside_.c_str(), 0755), 0);
    ASSERT_TRUE(base::WriteFileAtomic(outside_ + "/sentinel", "keep"));
    // A real image, which must survive every failed import untouched.
    ASSERT_TRUE(base::WriteFileAtomic(temp_.path() + "/good.tar",
                                      TarBuilder().File("ok", "ok").Finish()));
    CommandResult good =
        RunZlayer(root_, {"import", temp_.path() + "/good.tar", "-t", "ok:1"});
    ASSERT_EQ(good.exit_code, 0) << good.err;
  }

  base::TempDir temp_;
  std::string root_;
  std::string outside_;
};

TEST_F(MaliciousImportTest, EveryHostileArchiveIsRefusedCleanly) {
  std::vector<HostileCase> corpus = Corpus(outside_);
  ASSERT_GE(corpus.size(), 12u);
  auto outside_before = extract::testing::SnapshotTree(outside_);
  std::string images_before =
      RunZlayer(root_, {"images", "--format", "json"}).out;
  for (const HostileCase& c : corpus) {
    SCOPED_TRACE(c.name);
    std::string path = temp_.path() + "/" + c.name + ".tar";
    ASSERT_TRUE(base::WriteFileAtomic(path, c.archive));
    CommandResult r =
        RunZlayer(root_, {"import", path, "-t", "evil:" + c.name});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_EQ(r.err.rfind("error: import " + path + ": ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.expected_error), std::string::npos) << r.err;
    if (::testing::Test::HasFailure() || std::getenv("ZLAYER_TEST_VERBOSE")) {
      std::fprintf(stderr, "%s: %s", c.name.c_str(), r.err.c_str());
    }
    EXPECT_EQ(RunZlayer(root_, {"images", "--format", "json"}).out,
              images_before);
    CommandResult scratch = RunCommand({"ls", "-A", root_ + "/tmp"});
    EXPECT_EQ(scratch.out, "");
  }
  EXPECT_EQ(extract::testing::SnapshotTree(outside_), outside_before);
  CommandResult pwned =
      RunCommand({"find", temp_.path(), "/etc", "-name", "zlayer-pwned*"});
  EXPECT_EQ(pwned.out, "");
  CommandResult verify = RunZlayer(root_, {"debug", "verify-store"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Nothing but the good image's blobs remains: the failed imports' blobs
  // were collected.
  CommandResult du = RunZlayer(root_, {"cache", "du"});
  EXPECT_NE(du.out.find("reclaimable           0"), std::string::npos)
      << du.out;
}

}  // namespace
}  // namespace zlayer::integration
