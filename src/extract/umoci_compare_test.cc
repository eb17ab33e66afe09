// Whiteout and metadata scenarios extracted both by ApplyLayer and by
// `umoci raw unpack` (the reference OCI unpacker) from the same layers; the
// two trees must agree in names, types, modes, owners, sizes, contents,
// link targets, xattrs and times.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "extract/extract.h"
#include "extract/tar_testing.h"

namespace zlayer::extract {
namespace {

using testing::Compress;
using testing::SnapshotTree;
using testing::TarBuilder;

// A minimal OCI image layout holding one image tagged "test": layers as
// given (gzip-compressed when `gzip`), a config listing their diff_ids, a
// manifest and index.json. Just enough for umoci.
class OciLayout {
 public:
  explicit OciLayout(std::string dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_ + "/blobs/sha256");
    Write(dir_ + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  }

  void AddLayer(const std::string& tar, bool gzip) {
    diff_ids_.push_back(base::Digest::Of(tar).ToString());
    std::string blob = gzip ? Compress(tar, "gzip") : tar;
    layers_ += std::string(layers_.empty() ? "" : ",") +
               Descriptor(gzip ? "application/vnd.oci.image.layer.v1.tar+gzip"
                               : "application/vnd.oci.image.layer.v1.tar",
                          AddBlob(blob), blob.size());
  }

  void Finish() {
    std::string ids;
    for (const std::string& id : diff_ids_) {
      ids += std::string(ids.empty() ? "" : ",") + "\"" + id + "\"";
    }
    std::string config = R"({"architecture":"amd64","os":"linux","config":{},)"
                         R"("rootfs":{"type":"layers","diff_ids":[)" +
                         ids + "]}}";
    std::string manifest =
        std::string(R"({"schemaVersion":2,"mediaType":")") + kManifestType +
        R"(","config":)" +
        Descriptor("application/vnd.oci.image.config.v1+json", AddBlob(config),
                   config.size()) +
        R"(,"layers":[)" + layers_ + "]}";
    std::string entry =
        Descriptor(kManifestType, AddBlob(manifest), manifest.size());
    entry.pop_back();
    entry += R"(,"annotations":{"org.opencontainers.image.ref.name":"test"}})";
    Write(dir_ + "/index.json",
          R"({"schemaVersion":2,"manifests":[)" + entry + "]}");
  }

 private:
  static constexpr const char* kManifestType =
      "application/vnd.oci.image.manifest.v1+json";

  static void Write(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
  }
  std::string AddBlob(const std::string& data) {
    base::Digest digest = base::Digest::Of(data);
    Write(dir_ + "/blobs/sha256/" + std::string(digest.hex()), data);
    return digest.ToString();
  }
  static std::string Descriptor(const std::string& media_type,
                                const std::string& digest, size_t size) {
    return R"({"mediaType":")" + media_type + R"(","digest":")" + digest +
           R"(","size":)" + std::to_string(size) + "}";
  }

  std::string dir_;
  std::vector<std::string> diff_ids_;
  std::string layers_;
};

class UmociCompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "umoci unpack needs root";
    auto found = base::Run({"umoci", "--version"});
    if (!found) GTEST_SKIP() << "umoci not installed (scripts/install-deps.sh)";
    dir_ = base::TempDir::Create("", "zlayer-umoci-").value();
  }

  // Extracts `layers` both ways and compares the trees; the mtimes of
  // `unstable_times` are left out (see OpaqueDirectoryMarkerAfterSiblings).
  void Compare(const std::vector<TarBuilder>& layers,
               const std::vector<std::string>& unstable_times = {}) {
    OciLayout layout(dir_.path() + "/layout");
    std::string ours = dir_.path() + "/ours";
    ASSERT_EQ(::mkdir(ours.c_str(), 0755), 0);
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string tar = layers[i].Finish();
      layout.AddLayer(tar, /*gzip=*/i % 2 == 1);
      std::string path = dir_.path() + "/layer" + std::to_string(i);
      std::ofstream(path, std::ios::binary) << tar;
      Result<ApplyResult> applied = ApplyLayer(LayerSource::Path(path), ours);
      ASSERT_TRUE(applied) << applied.error().message();
    }
    layout.Finish();
    std::string theirs = dir_.path() + "/theirs";
    auto unpacked = base::RunChecked({"umoci", "raw", "unpack", "--image",
                                      dir_.path() + "/layout:test", theirs});
    ASSERT_TRUE(unpacked) << unpacked.error().message();
    auto expected = SnapshotTree(theirs, /*times=*/true);
    auto actual = SnapshotTree(ours, /*times=*/true);
    for (const std::string& path : unstable_times) {
      for (auto* tree : {&expected, &actual}) {
        std::string& line = (*tree)[path];
        line = line.substr(0, line.find(" mtime="));
      }
    }
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(actual, expected);
  }

  static TarBuilder Base() {
    return TarBuilder()
        .Add({.name = "etc/", .type = '5', .mode = 0755, .mtime = 1000})
        .Add({.name = "etc/passwd",
              .mode = 0644,
              .mtime = 1001,
              .data = "root:x:0:0\n"})
        .Add({.name = "etc/shadow",
              .mode = 0640,
              .gid = 42,
              .mtime = 1002,
              .data = "root:*:\n"})
        .Add({.name = "var/", .type = '5', .mode = 0755, .mtime = 1003})
        .Add({.name = "var/lib/",
              .type = '5',
              .mode = 0700,
              .uid = 5,
              .mtime = 1004})
        .Add({.name = "var/lib/db",
              .mode = 0600,
              .uid = 5,
              .mtime = 1005,
              .data = "db"})
        .Add({.name = "var/log/", .type = '5', .mode = 0755, .mtime = 1006})
        .Add({.name = "var/log/a.log", .mtime = 1007, .data = "a"});
  }

  base::TempDir dir_;
};

TEST_F(UmociCompareTest, DeleteAFile) {
  Compare({Base(), TarBuilder().Whiteout("etc/.wh.shadow")});
}

TEST_F(UmociCompareTest, DeleteADirectory) {
  Compare({Base(), TarBuilder().Whiteout("var/.wh.lib")});
}

TEST_F(UmociCompareTest, ReplaceADirectoryByAFileAndBack) {
  Compare({Base(), TarBuilder()
                       .Add({.name = "var/lib", .mtime = 2000, .data = "f"})
                       .Add({.name = "etc/passwd/", .type = '5', .mtime = 2001})
                       .Add({.name = "etc/passwd/x", .mtime = 2002})});
}

TEST_F(UmociCompareTest, OpaqueDirectoryMarkerFirst) {
  Compare({Base(), TarBuilder()
                       .Add({.name = "var/", .type = '5', .mtime = 3000})
                       .Whiteout("var/.wh..wh..opq")
                       .Add({.name = "var/new", .mtime = 3001, .data = "n"})});
}

TEST_F(UmociCompareTest, OpaqueDirectoryMarkerAfterSiblings) {
  // The marker removes the lower var/log/a.log from inside var/log, which
  // this layer keeps. umoci leaves var/log with the time of the removal
  // (the present moment); we restore its header's mtime (3001) like every
  // other directory's, so that the result is reproducible.
  Compare({Base(), TarBuilder()
                       .Add({.name = "var/", .type = '5', .mtime = 3000})
                       .Add({.name = "var/log/", .type = '5', .mtime = 3001})
                       .Add({.name = "var/log/b.log", .mtime = 3002})
                       .Whiteout("var/.wh..wh..opq")},
          {"/var/log"});
}

TEST_F(UmociCompareTest, LowerSymlinkedDirectories) {
  // A layer written against a usr-merged base reaches usr/bin through the
  // lower "bin" symlink; both unpackers resolve it inside the root.
  Compare(
      {TarBuilder()
           .Add({.name = "usr/", .type = '5', .mode = 0755, .mtime = 7000})
           .Add({.name = "usr/bin/", .type = '5', .mode = 0755, .mtime = 7001})
           .Add({.name = "bin",
                 .type = '2',
                 .mtime = 7002,
                 .linkname = "usr/bin"})
           .Add({.name = "etc",
                 .type = '2',
                 .mtime = 7003,
                 .linkname = "/nonexistent/etc"}),
       TarBuilder()
           .Add({.name = "bin/sh", .mode = 0755, .mtime = 7004, .data = "sh"})
           .Whiteout("bin/.wh.nothing")});
}

TEST_F(UmociCompareTest, RecreateADeletedPath) {
  Compare(
      {Base(), TarBuilder().Whiteout(".wh.var").Whiteout("etc/.wh.passwd"),
       TarBuilder()
           .Add({.name = "var/", .type = '5', .mode = 0711, .mtime = 4000})
           .Add({.name = "var/again", .mtime = 4001, .data = "again"})
           .Add({.name = "etc/passwd",
                 .mode = 0600,
                 .mtime = 4002,
                 .data = "new"}),
       TarBuilder()
           .Whiteout("etc/.wh.shadow")
           .Add({.name = "etc/shadow", .mtime = 4003, .data = "same layer"})});
}

TEST_F(UmociCompareTest, WhiteoutAfterItsEntryOnlyHidesLowerLayers) {
  Compare({Base(), TarBuilder()
                       .Add({.name = "etc/passwd", .mtime = 5000, .data = "up"})
                       .Whiteout("etc/.wh.passwd")});
}

TEST_F(UmociCompareTest, SpecialFilesAndMetadata) {
  Compare({TarBuilder()
               .Add({.name = "bin/", .type = '5', .mtime = 6000})
               .Add({.name = "bin/su",
                     .mode = 04755,
                     .uid = 1,
                     .gid = 2,
                     .mtime = 6001,
                     .data = "su"})
               .Add({.name = "bin/ping",
                     .mode = 0755,
                     .mtime = 6002,
                     .data = "ping",
                     .pax = {{"SCHILY.xattr.security.capability",
                              testing::kCapNetRaw},
                             {"SCHILY.xattr.user.k", "v"}}})
               .Add({.name = "bin/sh",
                     .type = '2',
                     .uid = 3,
                     .mtime = 6003,
                     .linkname = "/usr/bin/dash"})
               .Add({.name = "bin/su2", .type = '1', .linkname = "bin/su"})
               .Add({.name = "tmp/", .type = '5', .mode = 01777, .mtime = 6004})
               .Add({.name = "dev/", .type = '5', .mtime = 6005})
               .Add({.name = "dev/null",
                     .type = '3',
                     .mode = 0666,
                     .mtime = 6006,
                     .dev_major = 1,
                     .dev_minor = 3})
               .Add({.name = "dev/fifo",
                     .type = '6',
                     .mode = 0600,
                     .mtime = 6007})});
}

}  // namespace
}  // namespace zlayer::extract
