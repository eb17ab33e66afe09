// Round trips between zlayer and the tools every registry user has:
// skopeo (containers/image) and umoci (the OCI reference unpacker).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "extract/tar_testing.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

class RoundTripTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"skopeo", "umoci", "tar"}) {
      if (!HaveTool(tool)) GTEST_SKIP() << tool << " is not installed";
    }
    auto temp = base::TempDir::Create("", "zlayer-roundtrip-");
    ASSERT_TRUE(temp.has_value()) << temp.error().message();
    temp_ = std::move(*temp);
    dir_ = temp_.path();
    root_ = dir_ + "/root";
    ASSERT_EQ(::mkdir((dir_ + "/rootfs").c_str(), 0755), 0);
    MakeSampleRootfs(dir_ + "/rootfs");
    TarDirectory(dir_ + "/rootfs", dir_ + "/rootfs.tar");
    CommandResult imported =
        RunZlayer(root_, {"import", dir_ + "/rootfs.tar", "-t", "sample:v1"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    image_id_ = imported.out.substr(0, imported.out.find('\n'));
  }

  void Export(const std::string& format, const std::string& out) {
    CommandResult r = RunZlayer(
        root_, {"export", "sample:v1", "--format", format, "-o", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::vector<std::string> ZlayerDiffIds(const std::string& ref) {
    CommandResult r = RunZlayer(root_, {"inspect", ref});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    nlohmann::json inspect = nlohmann::json::parse(r.out);
    for (const auto& id : inspect["RootFS"]["diff_ids"]) {
      out.push_back(id.get<std::string>());
    }
    return out;
  }

  base::TempDir temp_;
  std::string dir_;
  std::string root_;
  std::string image_id_;
};

TEST_F(RoundTripTest, OciLayoutInspectsAndUnpacksToTheInputTree) {
  Export("oci", dir_ + "/layout");
  CommandResult inspect =
      RunCommand({"skopeo", "inspect", "oci:" + dir_ + "/layout:v1"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto json = nlohmann::json::parse(inspect.out);
  EXPECT_EQ(json["Os"], "linux");
  EXPECT_EQ(json["Layers"].size(), 1u);

  CommandResult unpack = RunCommand(
      {"umoci", "unpack", "--image", dir_ + "/layout:v1", dir_ + "/bundle"});
  ASSERT_EQ(unpack.exit_code, 0) << unpack.err;
  auto want = extract::testing::SnapshotTree(dir_ + "/rootfs");
  auto got = extract::testing::SnapshotTree(dir_ + "/bundle/rootfs");
  EXPECT_EQ(got, want);
  EXPECT_GE(want.size(), 15u);
}

TEST_F(RoundTripTest, LayoutIndexNamesTheTagAndTheFullName) {
  Export("oci", dir_ + "/layout");
  auto index = nlohmann::json::parse(
      base::ReadFile(dir_ + "/layout/index.json").value());
  auto annotations = index["manifests"][0]["annotations"];
  EXPECT_EQ(annotations["org.opencontainers.image.ref.name"], "v1");
  EXPECT_EQ(annotations["io.containerd.image.name"], "sample:v1");
}

TEST_F(RoundTripTest, SkopeoCopiesOciArchiveWithMatchingDiffIds) {
  Export("oci-archive", dir_ + "/image.tar");
  CommandResult copy =
      RunCommand({"skopeo", "copy", "oci-archive:" + dir_ + "/image.tar:v1",
                  "oci:" + dir_ + "/copy:v1"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_EQ(SkopeoDiffIds("oci:" + dir_ + "/copy:v1"),
            ZlayerDiffIds("sample:v1"));
}

TEST_F(RoundTripTest, SkopeoCopiesDockerArchiveWithMatchingDiffIds) {
  Export("docker-archive", dir_ + "/docker.tar");
  CommandResult copy =
      RunCommand({"skopeo", "copy", "docker-archive:" + dir_ + "/docker.tar",
                  "oci:" + dir_ + "/copy:v1"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_EQ(SkopeoDiffIds("oci:" + dir_ + "/copy:v1"),
            ZlayerDiffIds("sample:v1"));
  // The archive names the image, and importing it gives the same image id.
  CommandResult again =
      RunZlayer(dir_ + "/root2", {"import", dir_ + "/docker.tar"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, image_id_ + "\n");
  CommandResult images = RunZlayer(dir_ + "/root2", {"images"});
  EXPECT_NE(images.out.find("sample:v1"), std::string::npos) << images.out;
}

// skopeo's layout (gzip as it was, or recompressed with zstd) imports and
// exports back with the very same layer blobs.
void ExpectSkopeoLayoutSurvives(const std::string& dir, const std::string& root,
                                const std::vector<std::string>& copy_flags) {
  std::vector<std::string> argv = {"skopeo", "copy"};
  argv.insert(argv.end(), copy_flags.begin(), copy_flags.end());
  argv.push_back("oci:" + dir + "/layout:v1");
  argv.push_back("oci:" + dir + "/skopeo:v1");
  CommandResult copy = RunCommand(argv);
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  CommandResult imported =
      RunZlayer(root, {"import", dir + "/skopeo", "-t", "back:v1"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CommandResult exported = RunZlayer(
      root, {"export", "back:v1", "--format", "oci", "-o", dir + "/back"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::vector<std::string> source = SkopeoLayers("oci:" + dir + "/skopeo:v1");
  ASSERT_EQ(source.size(), 1u);
  EXPECT_EQ(SkopeoLayers("oci:" + dir + "/back:v1"), source);
  EXPECT_EQ(SkopeoDiffIds("oci:" + dir + "/back:v1"),
            SkopeoDiffIds("oci:" + dir + "/layout:v1"));
}

TEST_F(RoundTripTest, SkopeoLayoutImportsAndExportsBackUnchanged) {
  Export("oci", dir_ + "/layout");
  ExpectSkopeoLayoutSurvives(dir_, root_, {});
}

TEST_F(RoundTripTest, SkopeoZstdLayoutImportsAndExportsBackUnchanged) {
  Export("oci", dir_ + "/layout");
  ExpectSkopeoLayoutSurvives(
      dir_, root_, {"--dest-compress", "--dest-compress-format", "zstd"});
  CommandResult inspect = RunZlayer(root_, {"inspect", "back:v1"});
  EXPECT_NE(inspect.out.find("tar+zstd"), std::string::npos) << inspect.out;
}

TEST_F(RoundTripTest, ReimportedExportKeepsTheImageId) {
  Export("oci-archive", dir_ + "/image.tar");
  CommandResult again =
      RunZlayer(dir_ + "/root2", {"import", dir_ + "/image.tar"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, image_id_ + "\n");
}

TEST_F(RoundTripTest, ExportRefusesAnExistingDestinationAndLeavesNoTemp) {
  ASSERT_EQ(::mkdir((dir_ + "/taken").c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(dir_ + "/taken/file", "x").has_value());
  CommandResult r = RunZlayer(
      root_, {"export", "sample:v1", "--format", "oci", "-o", dir_ + "/taken"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  CommandResult ls = RunCommand({"sh", "-c", "ls -A " + dir_ + " | grep tmp"});
  EXPECT_EQ(ls.out, "") << ls.out;
}

}  // namespace
}  // namespace zlayer::integration
