#include "tests/integration/registry/registry_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "base/subprocess.h"
#include "registry/token.h"

namespace zlayer::integration {

const std::string& BusyboxTar(const std::string& variant) {
  // The directory lives as long as the process; tests only read from it.
  static base::TempDir dir = *base::TempDir::Create("", "zlayer-regtest-");
  static std::map<std::string, std::string> made;
  auto it = made.find(variant);
  if (it != made.end()) return it->second;
  std::string name = "busybox" + std::to_string(made.size());
  std::string rootfs = dir.path() + "/" + name;
  std::filesystem::create_directories(rootfs + "/bin");
  std::filesystem::create_directories(rootfs + "/etc");
  std::filesystem::create_directories(rootfs + "/tmp");
  ::chmod((rootfs + "/tmp").c_str(), 01777);
  std::filesystem::copy_file("/bin/busybox", rootfs + "/bin/busybox");
  CommandResult applets = RunCommand({"/bin/busybox", "--list"});
  std::istringstream names(applets.out);
  for (std::string applet; std::getline(names, applet);) {
    if (applet.empty() || applet == "busybox") continue;
    ::symlink("busybox", (rootfs + "/bin/" + applet).c_str());
  }
  std::ofstream(rootfs + "/etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n";
  std::ofstream(rootfs + "/etc/group") << "root:x:0:\n";
  if (!variant.empty()) std::ofstream(rootfs + "/etc/variant") << variant;
  std::string tar = dir.path() + "/" + name + ".tar";
  TarDirectory(rootfs, tar);
  return made.emplace(variant, tar).first->second;
}

std::vector<TransferEvent> TransferEvents(const std::string& json_lines) {
  std::vector<TransferEvent> events;
  for (const std::string& line : Lines(json_lines)) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (!json.is_object() || json.value("type", "") != "transfer_progress") {
      continue;
    }
    events.push_back({json.value("kind", ""), json.value("ref", ""),
                      json.value("digest", ""), json.value("what", ""),
                      json.value("state", "")});
  }
  return events;
}

std::map<std::string, std::string> FinalBlobStates(
    const std::vector<TransferEvent>& events) {
  std::map<std::string, std::string> states;
  for (const TransferEvent& event : events) {
    if (event.what == "manifest") continue;
    // "running" may trail a blob's end when events of parallel transfers
    // interleave; the final word is the last terminal state.
    if (event.state == "started" || event.state == "running") {
      states.try_emplace(event.digest, event.state);
      continue;
    }
    states[event.digest] = event.state;
  }
  return states;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string SkopeoDigest(const std::string& ref) {
  CommandResult r = RunCommand(
      {"skopeo", "inspect", "--tls-verify=false", "docker://" + ref});
  EXPECT_EQ(r.exit_code, 0) << ref << ": " << r.err;
  auto json = nlohmann::json::parse(r.out, nullptr, false);
  if (!json.is_object()) return "";
  return json.value("Digest", "");
}

void RegistryFixture::SetUp() {
  auto dir = base::TempDir::Create("", "zlayer-regtest-");
  ASSERT_TRUE(dir.has_value()) << dir.error().message();
  temp_ = std::move(*dir);
  authfile_ = temp_.path() + "/auth.json";
}

std::string RegistryFixture::NewRoot() {
  return temp_.path() + "/root" + std::to_string(++roots_);
}

CommandResult RegistryFixture::Zl(const std::string& root,
                                  const std::vector<std::string>& args,
                                  const std::string& input,
                                  const std::string& authfile) const {
  std::vector<std::string> argv = {ZLAYER_BINARY, "--root", root};
  argv.insert(argv.end(), args.begin(), args.end());
  base::SubprocessOptions options;
  options.stdin_mode =
      input.empty() ? base::StdinMode::kNull : base::StdinMode::kData;
  options.stdin_data = input;
  // The developer's ~/.docker and $REGISTRY_AUTH_FILE stay out of it.
  options.env = {
      "REGISTRY_AUTH_FILE=" + (authfile.empty() ? authfile_ : authfile),
      "DOCKER_CONFIG=" + temp_.path() + "/docker", "NO_COLOR=1"};
  options.timeout = std::chrono::seconds(120);
  auto run = base::Run(argv, std::move(options));
  if (!run) return {.exit_code = -1, .err = run.error().message()};
  return {.exit_code =
              run->status.signal ? 128 + run->status.signal : run->status.code,
          .out = run->stdout_data,
          .err = run->stderr_data};
}

std::string RegistryFixture::Import(const std::string& root,
                                    const std::string& name,
                                    const std::string& variant) {
  CommandResult r = Zl(root, {"import", BusyboxTar(variant), "-t", name});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return Trim(r.out);
}

std::string RegistryFixture::Push(const std::string& root,
                                  const std::string& image,
                                  const std::string& dest) {
  std::vector<std::string> args = {"push", "--progress", "plain", image};
  if (!dest.empty()) args.push_back(dest);
  CommandResult r = Zl(root, args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string digest = Trim(r.out);
  EXPECT_TRUE(digest.starts_with("sha256:")) << r.out;
  return digest;
}

std::string RegistryFixture::Pull(const std::string& root,
                                  const std::string& ref) {
  CommandResult r = Zl(root, {"pull", "--progress", "plain", ref});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string id = Trim(r.out);
  EXPECT_TRUE(id.starts_with("sha256:")) << r.out;
  return id;
}

nlohmann::json RegistryFixture::Inspect(const std::string& root,
                                        const std::string& image) {
  CommandResult r = Zl(root, {"inspect", image});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto json = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(json.is_object()) << r.out;
  return json.is_object() ? json : nlohmann::json::object();
}

std::vector<std::string> RegistryFixture::LayerDigests(
    const std::string& root, const std::string& image) {
  std::vector<std::string> digests;
  for (const auto& layer :
       Inspect(root, image).value("Layers", nlohmann::json::array())) {
    digests.push_back(layer.value("Digest", ""));
  }
  return digests;
}

StoreSnapshot RegistryFixture::Snapshot(const std::string& root) {
  StoreSnapshot snapshot;
  CommandResult images = Zl(root, {"images", "--format", "json"});
  EXPECT_EQ(images.exit_code, 0) << images.err;
  snapshot.images_json = images.out;
  std::error_code ec;
  for (auto it =
           std::filesystem::recursive_directory_iterator(root + "/blobs", ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_directory()) snapshot.blobs.insert(it->path().string());
  }
  for (auto it = std::filesystem::directory_iterator(root + "/tmp", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    snapshot.tmp_files.insert(it->path().string());
  }
  return snapshot;
}

void RegistryFixture::ExpectStoreClean(const std::string& root) {
  CommandResult r = Zl(root, {"debug", "verify-store"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

void RegistryFixture::WriteAuth(const std::string& host,
                                const std::string& user,
                                const std::string& password) {
  nlohmann::json auth = {
      {"auths",
       {{host, {{"auth", registry::Base64Encode(user + ":" + password)}}}}}};
  std::ofstream(authfile_) << auth.dump(2);
  ::chmod(authfile_.c_str(), 0600);
}

std::string RegistryFixture::Repo(const std::string& name) const {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string repo = std::string(info->test_suite_name()) + "-" + info->name();
  for (char& c : repo) {
    c = std::isalnum(static_cast<unsigned char>(c))
            ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
            : '-';
  }
  return repo + "/" + name;
}

void ExpectOneLineError(const CommandResult& result,
                        const std::vector<std::string>& names, bool only_line) {
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.exit_code, -1) << result.err;
  std::vector<std::string> lines = Lines(result.err);
  std::vector<std::string> errors;
  for (const std::string& line : lines) {
    if (line.starts_with("error: ")) errors.push_back(line);
  }
  ASSERT_EQ(errors.size(), 1u) << result.err;
  if (only_line) {
    EXPECT_EQ(lines.size(), 1u) << result.err;
  } else {
    EXPECT_EQ(lines.back(), errors[0]) << result.err;
  }
  for (const std::string& name : names) {
    EXPECT_NE(errors[0].find(name), std::string::npos)
        << "the error does not name " << name << ": " << errors[0];
  }
}

}  // namespace zlayer::integration
