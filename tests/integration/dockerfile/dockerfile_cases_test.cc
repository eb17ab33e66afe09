// Every directory under cases/ is one test: build its Dockerfile with
// `zlayer build` and, unless the case says buildah lacks the feature, with
// buildah too, and compare each result's rootfs listing (against the base
// image) and config with the case's expected files.
//
// The zlayer half runs twice, on the native backend and on the buildah
// backend (`--backend buildah`, in a private buildah storage), unless the
// case's `buildah-backend-skip` names a feature buildah 1.28 lacks: both
// backends must give the expected listing and config.
//
// ZLAYER_ITEST_BUILDAH_ONLY=1 runs just the buildah half: the way to check
// the expected files against the reference builder.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/dockerfile/base_image.h"
#include "tests/integration/dockerfile/buildah_session.h"
#include "tests/integration/dockerfile/case_spec.h"
#include "tests/integration/dockerfile/config_normalize.h"
#include "tests/integration/dockerfile/rootfs_listing.h"

#ifndef ZLAYER_DOCKERFILE_CASES_DIR
#error \
    "ZLAYER_DOCKERFILE_CASES_DIR must name tests/integration/dockerfile/cases"
#endif

namespace zlayer::integration {
namespace {

namespace fs = std::filesystem;

bool BuildahOnly() {
  const char* value = std::getenv("ZLAYER_ITEST_BUILDAH_ONLY");
  return value != nullptr && std::string(value) == "1";
}

// A developer's switch for a quick zlayer-only run; CI never sets it.
bool NativeOnly() {
  const char* value = std::getenv("ZLAYER_ITEST_NATIVE_ONLY");
  return value != nullptr && std::string(value) == "1";
}

// Git keeps neither owners nor modes beyond the x bit, and a checkout
// follows the umask; COPY carries modes into the image, so fix them.
void NormalizeModes(const std::string& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    struct stat st;
    ASSERT_EQ(::lstat(entry.path().c_str(), &st), 0) << entry.path();
    if (S_ISLNK(st.st_mode)) continue;
    mode_t mode = S_ISDIR(st.st_mode)   ? 0755
                  : (st.st_mode & 0111) ? 0755
                                        : 0644;
    ASSERT_EQ(::chmod(entry.path().c_str(), mode), 0) << entry.path();
    ASSERT_EQ(::lchown(entry.path().c_str(), 0, 0), 0) << entry.path();
  }
}

void RunSetup(const CaseSetupStep& step, const std::string& case_copy,
              const std::string& context) {
  const auto& ops = step.operands;
  if (step.verb == "ctx-symlink") {
    fs::create_directories(fs::path(context + "/" + ops[1]).parent_path());
    ASSERT_EQ(::symlink(ops[0].c_str(), (context + "/" + ops[1]).c_str()), 0)
        << step.verb << " " << ops[1];
  } else if (step.verb == "ctx-mkdir") {
    fs::create_directories(context + "/" + ops[0]);
  } else if (step.verb == "ctx-chmod") {
    mode_t mode = std::stoul(ops[0], nullptr, 8);
    ASSERT_EQ(::chmod((context + "/" + ops[1]).c_str(), mode), 0)
        << step.verb << " " << ops[1];
  } else if (step.verb == "ctx-tar") {
    std::string owner = ops.size() > 2 ? ops[2] : "0:0";
    std::string source = case_copy + "/" + ops[1];
    std::vector<std::string> argv = {
        "tar",
        "--numeric-owner",
        "--owner=" + owner.substr(0, owner.find(':')),
        "--group=" + owner.substr(owner.find(':') + 1),
        "--mtime=@0",
        "--sort=name",
        "-C",
        source,
        "-caf",
        context + "/" + ops[0]};
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(source)) {
      names.push_back(entry.path().filename());
    }
    std::sort(names.begin(), names.end());
    argv.insert(argv.end(), names.begin(), names.end());
    CommandResult tar = RunCommand(argv);
    ASSERT_EQ(tar.exit_code, 0) << "ctx-tar " << ops[0] << ": " << tar.err;
  }
}

std::string ReadText(const std::string& path) {
  auto text = base::ReadFile(path);
  return text ? *text : std::string();
}

// Whether `needle` occurs in any file below `dir`, looking inside gzip and
// zstd streams too, since layer blobs are compressed.
std::string FindSecretIn(const std::string& dir, const std::string& needle) {
  for (const auto& entry : fs::recursive_directory_iterator(
           dir, fs::directory_options::skip_permission_denied)) {
    std::error_code ec;
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) continue;
    std::string data = ReadText(entry.path());
    std::string plain;
    if (data.starts_with("\x1f\x8b")) {
      base::SubprocessOptions options;
      options.stdin_mode = base::StdinMode::kData;
      options.stdin_data = data;
      auto run = base::Run({"gzip", "-dc"}, options);
      if (run) plain = run->stdout_data;
    } else if (data.starts_with("\x28\xb5\x2f\xfd")) {
      base::SubprocessOptions options;
      options.stdin_mode = base::StdinMode::kData;
      options.stdin_data = data;
      auto run = base::Run({"zstd", "-dc"}, options);
      if (run) plain = run->stdout_data;
    }
    if (data.find(needle) != std::string::npos ||
        plain.find(needle) != std::string::npos) {
      return entry.path();
    }
  }
  return "";
}

struct PreparedCase {
  CaseSpec spec;
  std::string work;  // this test's scratch directory
  std::string context;
  std::string dockerfile;
  std::string expected_listing;
  nlohmann::json expected_config;  // null when the case has none
  std::vector<std::string> secret_values;
};

// --build-arg, --target, --secret and --format flags for either builder.
std::vector<std::string> BuildFlags(const PreparedCase& c, bool second) {
  std::vector<std::string> flags;
  for (const std::string& arg : c.spec.build_args) {
    flags.insert(flags.end(), {"--build-arg", arg});
  }
  if (second) {
    for (const std::string& arg : c.spec.second_build_args) {
      flags.insert(flags.end(), {"--build-arg", arg});
    }
  }
  if (!c.spec.target.empty())
    flags.insert(flags.end(), {"--target", c.spec.target});
  for (const CaseSecret& secret : c.spec.secrets) {
    flags.insert(flags.end(), {"--secret", "id=" + secret.id + ",src=" +
                                               c.work + "/case/" + secret.src});
  }
  if (c.spec.docker_format) flags.insert(flags.end(), {"--format", "docker"});
  return flags;
}

class DockerfileCaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto spec = LoadCaseSpec(std::string(ZLAYER_DOCKERFILE_CASES_DIR) + "/" +
                             GetParam());
    ASSERT_TRUE(spec) << spec.error().message();
    case_.spec = std::move(*spec);
    auto work = base::TempDir::Create(ProcessTempDir(), GetParam() + "-");
    ASSERT_TRUE(work) << work.error().message();
    work_ = std::move(*work);
    case_.work = work_.path();

    std::string copy = case_.work + "/case";
    CommandResult cp = RunCommand({"cp", "-a", case_.spec.dir, copy});
    ASSERT_EQ(cp.exit_code, 0) << cp.err;
    NormalizeModes(copy);
    case_.context = copy + "/context";
    fs::create_directories(case_.context);
    for (const CaseSetupStep& step : case_.spec.setup) {
      RunSetup(step, copy, case_.context);
    }
    case_.dockerfile = copy + "/Dockerfile";
    ASSERT_TRUE(fs::exists(case_.dockerfile)) << "no Dockerfile in case";
    if (!case_.spec.expect_fail) {
      ASSERT_TRUE(fs::exists(copy + "/expected.listing"))
          << "no expected.listing in case";
      case_.expected_listing = ReadText(copy + "/expected.listing");
    }
    if (fs::exists(copy + "/expected.config.json")) {
      case_.expected_config = nlohmann::json::parse(
          ReadText(copy + "/expected.config.json"), nullptr, false);
      ASSERT_TRUE(case_.expected_config.is_object())
          << "expected.config.json is not a JSON object";
    }
    for (const CaseSecret& secret : case_.spec.secrets) {
      case_.secret_values.push_back(ReadText(copy + "/" + secret.src));
      ASSERT_GE(case_.secret_values.back().size(), 8u)
          << "a secret must be long enough to be searched for";
    }
    ASSERT_FALSE(SharedBaseImage().rootfs_tar.empty());
  }

  void CheckResult(const std::string& builder, const Listing& listing,
                   const nlohmann::json& config) {
    std::string actual = JoinLines(
        DiffListings(SharedBaseImage().listing, listing, case_.spec.only));
    EXPECT_EQ(case_.expected_listing, actual)
        << builder << ": rootfs listing differs from expected.listing";
    if (!case_.expected_config.is_null()) {
      nlohmann::json normalized = NormalizeConfig(config);
      EXPECT_EQ(CompareConfig(case_.expected_config, normalized), "")
          << builder << ": config " << normalized.dump();
    }
  }

  void CheckSecretsAbsent(const std::string& builder, const std::string& dir) {
    for (const std::string& value : case_.secret_values) {
      EXPECT_EQ(FindSecretIn(dir, value), "")
          << builder << ": the secret's value is stored in this file";
    }
  }

  void RunZlayerSide(const std::string& backend = "native");
  void RunBuildahSide();
  void RunBuildahBackendSide();

  PreparedCase case_;
  base::TempDir work_;
};

void DockerfileCaseTest::RunZlayerSide(const std::string& backend) {
  std::string root = case_.work + "/zlayer-root-" + backend;
  std::string out = case_.work + "/zlayer-out-" + backend;
  std::string builder = "zlayer --backend " + backend;
  std::string tag = "itest/" + GetParam() + ":latest";
  CommandResult imported = RunZlayer(
      root,
      {"import", "-t", kDockerfileBaseImage, SharedBaseImage().rootfs_tar});
  ASSERT_EQ(imported.exit_code, 0) << "zlayer import: " << imported.err;

  auto build = [&](bool second) {
    fs::remove_all(out);
    std::vector<std::string> args = {"build",
                                     "--backend",
                                     backend,
                                     "-f",
                                     case_.dockerfile,
                                     "-t",
                                     tag,
                                     "-o",
                                     "type=local,dest=" + out};
    std::vector<std::string> flags = BuildFlags(case_, second);
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(case_.context);
    return RunZlayer(root, args);
  };
  bool twice = !case_.spec.second_build_args.empty();
  if (twice) {
    CommandResult first = build(false);
    ASSERT_EQ(first.exit_code, 0) << builder << " (first): " << first.err;
  }
  CommandResult built = build(twice);
  if (case_.spec.expect_fail) {
    EXPECT_EQ(built.exit_code, 1) << builder << " must fail: " << built.out;
    EXPECT_NE(built.err.find("error:"), std::string::npos) << built.err;
    EXPECT_NE(built.err.find(*case_.spec.expect_fail), std::string::npos)
        << "stderr must name " << *case_.spec.expect_fail << ": " << built.err;
    return;
  }
  ASSERT_EQ(built.exit_code, 0) << builder << ": " << built.err;

  std::string stdout_text = built.out;
  while (!stdout_text.empty() && stdout_text.back() == '\n') {
    stdout_text.pop_back();
  }
  std::string id = stdout_text.substr(stdout_text.rfind('\n') + 1);
  EXPECT_TRUE(id.starts_with("sha256:")) << "last stdout line: " << id;

  auto listing = ListRootfs(out);
  ASSERT_TRUE(listing) << listing.error().message();
  CommandResult inspected = RunZlayer(root, {"inspect", tag});
  ASSERT_EQ(inspected.exit_code, 0) << "zlayer inspect: " << inspected.err;
  auto json = nlohmann::json::parse(inspected.out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << inspected.out;
  EXPECT_EQ(json.value("Id", ""), id);
  CheckResult(builder, *listing,
              json.value("Config", nlohmann::json::object()));
  CheckSecretsAbsent(builder + " store", root);
  for (const std::string& value : case_.secret_values) {
    EXPECT_EQ(inspected.out.find(value), std::string::npos)
        << "zlayer inspect shows the secret";
  }
}

void DockerfileCaseTest::RunBuildahBackendSide() {
  if (case_.spec.buildah_backend_skip) {
    std::cerr << "buildah backend skipped: " << *case_.spec.buildah_backend_skip
              << "\n";
    return;
  }
  // A private storage, as the reference buildah run has; zlayer's buildah
  // children inherit it through CONTAINERS_STORAGE_CONF.
  std::string storage = case_.work + "/backend-storage";
  fs::create_directories(storage + "/root");
  fs::create_directories(storage + "/runroot");
  std::string conf = storage + "/storage.conf";
  std::ofstream(conf) << "[storage]\ndriver = \"vfs\"\ngraphroot = \""
                      << storage << "/root\"\nrunroot = \"" << storage
                      << "/runroot\"\n";
  ::setenv("CONTAINERS_STORAGE_CONF", conf.c_str(), 1);
  // buildah keeps RUN cache mounts under $TMPDIR: a private one, so that
  // no earlier run's cache is seen.
  const char* tmpdir = std::getenv("TMPDIR");
  std::string saved_tmpdir = tmpdir ? tmpdir : "";
  fs::create_directories(storage + "/tmp");
  ::setenv("TMPDIR", (storage + "/tmp").c_str(), 1);
  RunZlayerSide("buildah");
  RunCommand({"buildah", "rm", "--all"});
  RunCommand({"buildah", "rmi", "--all", "--force"});
  ::unsetenv("CONTAINERS_STORAGE_CONF");
  if (tmpdir) {
    ::setenv("TMPDIR", saved_tmpdir.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
}

void DockerfileCaseTest::RunBuildahSide() {
  BuildahSession buildah(case_.work + "/buildah");
  Status imported =
      buildah.ImportRootfs(SharedBaseImage().rootfs_tar, kDockerfileBaseImage);
  ASSERT_TRUE(imported) << imported.error().message();
  // The listing diff assumes buildah sees the base exactly as it was made.
  auto base_listing = buildah.ListImage(kDockerfileBaseImage);
  ASSERT_TRUE(base_listing) << base_listing.error().message();
  ASSERT_EQ(
      JoinLines(DiffListings(SharedBaseImage().listing, *base_listing, {})), "")
      << "buildah's import of the base image differs from its tarball";

  std::string tag = "itest/" + GetParam() + ":latest";
  bool twice = !case_.spec.second_build_args.empty();
  if (twice) {
    CommandResult first = buildah.Build(case_.dockerfile, case_.context, tag,
                                        BuildFlags(case_, false));
    ASSERT_EQ(first.exit_code, 0) << "buildah build (first): " << first.err;
  }
  CommandResult built = buildah.Build(case_.dockerfile, case_.context, tag,
                                      BuildFlags(case_, twice));
  if (case_.spec.expect_fail) {
    EXPECT_NE(built.exit_code, 0) << "buildah build must fail: " << built.out;
    return;
  }
  ASSERT_EQ(built.exit_code, 0) << "buildah build: " << built.err << built.out;
  auto listing = buildah.ListImage(tag);
  ASSERT_TRUE(listing) << listing.error().message();
  auto config = buildah.ImageConfig(tag, case_.spec.docker_format);
  ASSERT_TRUE(config) << config.error().message();
  CheckResult("buildah", *listing, *config);
  CheckSecretsAbsent("buildah storage", buildah.storage_root());
}

TEST_P(DockerfileCaseTest, Build) {
  if (BuildahOnly()) {
    if (case_.spec.buildah_skip) {
      GTEST_SKIP() << "buildah comparison skipped: "
                   << *case_.spec.buildah_skip;
    }
  } else {
    RunZlayerSide();
    RunBuildahBackendSide();
  }
  if (case_.spec.buildah_skip) {
    std::cerr << "buildah comparison skipped: " << *case_.spec.buildah_skip
              << "\n";
    return;
  }
  if (NativeOnly()) {
    std::cerr << "buildah comparison skipped: ZLAYER_ITEST_NATIVE_ONLY=1\n";
    return;
  }
  if (!HaveTool("buildah")) {
    if (BuildahOnly()) GTEST_SKIP() << "buildah is not installed";
    std::cerr << "buildah comparison skipped: buildah is not installed\n";
    return;
  }
  RunBuildahSide();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DockerfileCaseTest,
    ::testing::ValuesIn(ListCaseNames(ZLAYER_DOCKERFILE_CASES_DIR)),
    [](const ::testing::TestParamInfo<std::string>& info) {
      return info.param;
    });

}  // namespace
}  // namespace zlayer::integration
