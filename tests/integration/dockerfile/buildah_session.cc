#include "tests/integration/dockerfile/buildah_session.h"

#include <sys/mount.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/subprocess.h"
#include "base/temp_dir.h"

namespace zlayer::integration {
namespace {

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::string Describe(const std::vector<std::string>& args,
                     const CommandResult& r) {
  std::string line = "buildah";
  for (const std::string& arg : args) line += " " + arg;
  return line + ": exit " + std::to_string(r.exit_code) + ": " + r.err;
}

// Mount points at or below `dir`, deepest first.
std::vector<std::string> MountsUnder(const std::string& dir) {
  std::vector<std::string> mounts;
  std::ifstream info("/proc/self/mountinfo");
  for (std::string line; std::getline(info, line);) {
    std::istringstream fields(line);
    std::string id, parent, devs, root, point;
    fields >> id >> parent >> devs >> root >> point;
    if (point == dir || point.starts_with(dir + "/")) mounts.push_back(point);
  }
  std::sort(mounts.rbegin(), mounts.rend());
  return mounts;
}

}  // namespace

BuildahSession::BuildahSession(std::string dir)
    : dir_(std::move(dir)),
      root_(dir_ + "/root"),
      runroot_(dir_ + "/runroot"),
      tmp_(dir_ + "/tmp") {
  std::filesystem::create_directories(root_);
  std::filesystem::create_directories(runroot_);
  std::filesystem::create_directories(tmp_);
}

BuildahSession::~BuildahSession() {
  Run({"rm", "--all"});
  Run({"rmi", "--all", "--force"});
  // vfs needs no mounts, but a buildah killed half-way may leave its runroot
  // or a container's bind mounts behind; only ours, under dir_.
  for (const std::string& point : MountsUnder(dir_)) {
    ::umount2(point.c_str(), MNT_DETACH);
  }
  (void)base::RemoveTree(dir_);
}

CommandResult BuildahSession::Run(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"buildah",   "--root", root_,
                                   "--runroot", runroot_, "--storage-driver",
                                   "vfs"};
  argv.insert(argv.end(), args.begin(), args.end());
  base::SubprocessOptions options;
  options.env = {"TMPDIR=" + tmp_, "BUILDAH_ISOLATION=oci"};
  auto run = base::Run(argv, std::move(options));
  if (!run) return {.exit_code = -1, .err = run.error().message()};
  return {.exit_code =
              run->status.signal ? 128 + run->status.signal : run->status.code,
          .out = run->stdout_data,
          .err = run->stderr_data};
}

Status BuildahSession::ImportRootfs(const std::string& tar,
                                    const std::string& name) const {
  std::vector<std::string> from = {"from", "--pull=never", "scratch"};
  CommandResult container = Run(from);
  if (container.exit_code != 0) return Fail(Describe(from, container));
  std::string id = Trim(container.out);
  std::vector<std::string> add = {"add", id, tar, "/"};
  CommandResult added = Run(add);
  if (added.exit_code != 0) return Fail(Describe(add, added));
  std::vector<std::string> commit = {"commit", "--identity-label=false", "--rm",
                                     id, name};
  CommandResult committed = Run(commit);
  if (committed.exit_code != 0) return Fail(Describe(commit, committed));
  return Ok();
}

CommandResult BuildahSession::Build(
    const std::string& dockerfile, const std::string& context,
    const std::string& tag, const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"build",
                                   "--pull=never",
                                   "--layers=false",
                                   "--identity-label=false",
                                   "-f",
                                   dockerfile,
                                   "-t",
                                   tag};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(context);
  return Run(args);
}

Result<Listing> BuildahSession::ListImage(const std::string& image) const {
  // Not `buildah from` + `mount`: from runs the image's ONBUILD triggers.
  // The image's own layers, unpacked by umoci, are the truest view anyway.
  std::string unpack = tmp_ + "/unpack-" + std::to_string(++unpack_count_);
  std::string layout = "oci:" + unpack + "/layout:image";
  std::filesystem::create_directories(unpack);
  std::vector<std::string> push = {"push", "--disable-compression", image,
                                   layout};
  CommandResult pushed = Run(push);
  if (pushed.exit_code != 0) return Fail(Describe(push, pushed));
  std::vector<std::string> argv = {
      "umoci",           "raw", "unpack", "--image", unpack + "/layout:image",
      unpack + "/rootfs"};
  CommandResult unpacked = RunCommand(argv);
  if (unpacked.exit_code != 0) {
    return Fail("umoci raw unpack " + image + ": " + unpacked.err);
  }
  Result<Listing> listing = ListRootfs(unpack + "/rootfs");
  (void)base::RemoveTree(unpack);
  return listing;
}

Result<nlohmann::json> BuildahSession::ImageConfig(const std::string& image,
                                                   bool docker_format) const {
  std::vector<std::string> args = {"inspect", "--type", "image", image};
  CommandResult inspected = Run(args);
  if (inspected.exit_code != 0) return Fail(Describe(args, inspected));
  auto json = nlohmann::json::parse(inspected.out, nullptr, false);
  const char* key = docker_format ? "Docker" : "OCIv1";
  if (!json.is_object() || !json.contains(key)) {
    return Fail("buildah inspect " + image + ": no " + key + " in output");
  }
  return json[key].value("config", nlohmann::json::object());
}

}  // namespace zlayer::integration
