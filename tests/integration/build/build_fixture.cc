#include "tests/integration/build/build_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace zlayer::integration {

const std::string& BusyboxRootfsTar() {
  static const std::string* path = [] {
    static base::TempDir dir = *base::TempDir::Create("", "zlayer-busybox-");
    std::string rootfs = dir.path() + "/rootfs";
    std::filesystem::create_directories(rootfs + "/bin");
    std::filesystem::create_directories(rootfs + "/etc");
    std::filesystem::create_directories(rootfs + "/tmp");
    ::chmod((rootfs + "/tmp").c_str(), 01777);
    std::filesystem::copy_file("/bin/busybox", rootfs + "/bin/busybox");
    CommandResult applets = RunCommand({"/bin/busybox", "--list"});
    std::istringstream names(applets.out);
    for (std::string name; std::getline(names, name);) {
      if (name.empty() || name == "busybox") continue;
      ::symlink("busybox", (rootfs + "/bin/" + name).c_str());
    }
    std::ofstream(rootfs + "/etc/passwd")
        << "root:x:0:0:root:/root:/bin/sh\n"
           "app:x:1000:1000:app:/home/app:/bin/sh\n";
    std::ofstream(rootfs + "/etc/group") << "root:x:0:\napp:x:1000:\n";
    std::string* tar = new std::string(dir.path() + "/busybox.tar");
    TarDirectory(rootfs, *tar);
    return tar;
  }();
  return *path;
}

void BuildFixture::SetUp() {
  temp_ = *base::TempDir::Create("", "zlayer-build-test-");
  root_ = temp_.path() + "/root";
  context_ = temp_.path() + "/context";
  std::filesystem::create_directories(context_);
  CommandResult imported =
      RunZlayer(root_, {"import", "-t", kBaseImage, BusyboxRootfsTar()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
}

void BuildFixture::WriteContext(const std::string& relative,
                                const std::string& text) {
  std::filesystem::path path = std::filesystem::path(context_) / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

CommandResult BuildFixture::Build(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"build", "--progress=json", "-f",
                                   context_ + "/Dockerfile"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(context_);
  last_ = RunZlayer(root_, args);
  return last_;
}

std::vector<nlohmann::json> BuildFixture::Completed() const {
  std::vector<nlohmann::json> events;
  std::istringstream lines(last_.out);
  for (std::string line; std::getline(lines, line);) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object() &&
        event.value("type", "") == "instruction_complete") {
      events.push_back(event);
    }
  }
  return events;
}

std::string BuildFixture::CachePattern() const {
  std::string pattern;
  std::istringstream lines(last_.out);
  std::vector<std::string> fs_steps;
  // Steps with a cache entry are the ones whose text starts with RUN,
  // COPY, ADD or WORKDIR; the started events carry the text.
  std::map<std::pair<int, int>, std::string> texts;
  for (std::string line; std::getline(lines, line);) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_object()) continue;
    std::string type = event.value("type", "");
    std::pair<int, int> id{event.value("stage", -1), event.value("step", -1)};
    if (type == "instruction_started") texts[id] = event.value("text", "");
    if (type != "instruction_complete") continue;
    std::string text = texts[id];
    std::string keyword = text.substr(0, text.find(' '));
    for (char& c : keyword) c = static_cast<char>(std::toupper(c));
    if (keyword != "RUN" && keyword != "COPY" && keyword != "ADD" &&
        keyword != "WORKDIR") {
      continue;
    }
    pattern += event.value("cached", false) ? "C" : "M";
  }
  return pattern;
}

std::string BuildFixture::ImageId() const {
  std::istringstream lines(last_.out);
  std::string id;
  for (std::string line; std::getline(lines, line);) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object() && event.value("type", "") == "build_complete") {
      id = event.value("image_id", "");
    }
  }
  return id;
}

}  // namespace zlayer::integration
