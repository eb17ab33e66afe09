#include "buildah/resources.h"

#include <utility>

namespace zlayer::buildah {
namespace {

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.pop_back();
  }
  return line;
}

}  // namespace

Result<Container> Container::From(const Cli& cli, const std::string& image,
                                  const std::string& name) {
  ZL_RETURN_IF_ERROR(
      cli.Output({"from", "--quiet", "--pull=never", "--name", name, image}));
  Container container;
  container.cli_ = &cli;
  container.name_ = name;
  return container;
}

Container::~Container() { (void)Remove(); }

Container::Container(Container&& other) noexcept
    : cli_(std::exchange(other.cli_, nullptr)),
      name_(std::exchange(other.name_, "")) {}

Container& Container::operator=(Container&& other) noexcept {
  if (this != &other) {
    (void)Remove();
    cli_ = std::exchange(other.cli_, nullptr);
    name_ = std::exchange(other.name_, "");
  }
  return *this;
}

Status Container::Remove() {
  if (cli_ == nullptr || name_.empty()) return Ok();
  std::string name = std::exchange(name_, "");
  if (!cli_->Quietly({"rm", name})) {
    return Fail("buildah rm " + name + " failed");
  }
  return Ok();
}

Result<RootfsMount> RootfsMount::Mount(const Cli& cli,
                                       const std::string& name) {
  ZL_ASSIGN_OR_RETURN(std::string out, cli.Output({"mount", name}));
  RootfsMount mount;
  mount.cli_ = &cli;
  mount.container_ = name;
  mount.path_ = FirstLine(out);
  if (mount.path_.empty() || mount.path_.front() != '/') {
    return Fail("buildah mount " + name + ": no mount point in its output");
  }
  return mount;
}

RootfsMount::~RootfsMount() { (void)Unmount(); }

RootfsMount::RootfsMount(RootfsMount&& other) noexcept
    : cli_(std::exchange(other.cli_, nullptr)),
      container_(std::exchange(other.container_, "")),
      path_(std::exchange(other.path_, "")) {}

RootfsMount& RootfsMount::operator=(RootfsMount&& other) noexcept {
  if (this != &other) {
    (void)Unmount();
    cli_ = std::exchange(other.cli_, nullptr);
    container_ = std::exchange(other.container_, "");
    path_ = std::exchange(other.path_, "");
  }
  return *this;
}

Status RootfsMount::Unmount() {
  if (cli_ == nullptr || container_.empty()) return Ok();
  std::string name = std::exchange(container_, "");
  path_.clear();
  if (!cli_->Quietly({"umount", name})) {
    return Fail("buildah umount " + name + " failed");
  }
  return Ok();
}

Status ImageSet::RemoveAll() {
  Status status = Ok();
  // Newest first: a later stage's image may be based on an earlier one.
  for (auto it = ids_.rbegin(); it != ids_.rend(); ++it) {
    if (!cli_.Quietly({"rmi", *it}) && status) {
      status = Fail("buildah rmi " + *it + " failed");
    }
  }
  ids_.clear();
  return status;
}

}  // namespace zlayer::buildah
