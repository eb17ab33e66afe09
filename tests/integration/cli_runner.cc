#include "tests/integration/cli_runner.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/subprocess.h"

namespace zlayer::integration {
namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void Check(int rc, const std::string& what) {
  ASSERT_EQ(rc, 0) << what << ": " << std::strerror(errno);
}

std::vector<std::string> StringsAt(const nlohmann::json& json) {
  std::vector<std::string> out;
  for (const auto& item : json) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  auto run = base::Run(argv);
  if (!run) return {.exit_code = -1, .err = run.error().message()};
  return {.exit_code =
              run->status.signal ? 128 + run->status.signal : run->status.code,
          .out = run->stdout_data,
          .err = run->stderr_data};
}

CommandResult RunZlayer(const std::string& root,
                        const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ZLAYER_BINARY, "--root", root};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

bool HaveTool(const std::string& tool) {
  return RunCommand({"sh", "-c", "command -v " + tool}).exit_code == 0;
}

void MakeSampleRootfs(const std::string& dir) {
  for (const char* sub :
       {"/etc", "/bin", "/usr", "/usr/lib", "/empty", "/tmp", "/secret"}) {
    Check(::mkdir((dir + sub).c_str(), 0755), sub);
  }
  WriteText(dir + "/etc/hostname", "zlayer\n");
  WriteText(dir + "/etc/big", std::string(300000, 'x') + "end");
  WriteText(dir + "/bin/tool", "#!/bin/sh\necho tool\n");
  WriteText(dir + "/usr/lib/empty-file", "");
  Check(::chmod((dir + "/bin/tool").c_str(), 04755), "setuid");
  Check(::chmod((dir + "/usr/lib").c_str(), 02775), "setgid dir");
  Check(::chmod((dir + "/tmp").c_str(), 01777), "sticky");
  Check(::chmod((dir + "/secret").c_str(), 0700), "secret");
  Check(::symlink("../etc/hostname", (dir + "/bin/relative").c_str()), "ln");
  Check(::symlink("/etc/hostname", (dir + "/bin/absolute").c_str()), "ln");
  Check(::link((dir + "/etc/hostname").c_str(),
               (dir + "/usr/hostname-link").c_str()),
        "hardlink");
  Check(::mkfifo((dir + "/tmp/fifo").c_str(), 0620), "mkfifo");
  WriteText(dir + "/secret/key", "k");
  Check(::lchown((dir + "/secret/key").c_str(), 1234, 5678), "chown");
  Check(::lchown((dir + "/secret").c_str(), 1234, 5678), "chown");
  Check(::lchown((dir + "/bin/absolute").c_str(), 42, 43), "lchown");
  Check(::chmod((dir + "/etc/hostname").c_str(), 0640), "chmod");
}

void TarDirectory(const std::string& dir, const std::string& out) {
  CommandResult tar =
      RunCommand({"tar", "--numeric-owner", "-C", dir, "-cf", out, "."});
  ASSERT_EQ(tar.exit_code, 0) << tar.err;
}

std::vector<std::string> SkopeoDiffIds(const std::string& image_ref) {
  CommandResult r = RunCommand({"skopeo", "inspect", "--config", image_ref});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto json = nlohmann::json::parse(r.out, nullptr, false);
  if (!json.is_object()) return {};
  return StringsAt(json["rootfs"]["diff_ids"]);
}

std::vector<std::string> SkopeoLayers(const std::string& image_ref) {
  CommandResult r = RunCommand({"skopeo", "inspect", image_ref});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto json = nlohmann::json::parse(r.out, nullptr, false);
  if (!json.is_object()) return {};
  return StringsAt(json["Layers"]);
}

}  // namespace zlayer::integration
