// What a build creates in buildah's storage, each removed by its owner's
// destructor: on success, on failure and on cancellation alike.
#ifndef ZLAYER_BUILDAH_RESOURCES_H_
#define ZLAYER_BUILDAH_RESOURCES_H_

#include <string>
#include <vector>

#include "buildah/cli.h"
#include "zlayer/result.h"

namespace zlayer::buildah {

// A working container (`buildah from`), removed with `buildah rm`.
class Container {
 public:
  // `image` is "scratch" or an image id in buildah's storage; `name` names
  // the container. No pull ever happens: zlayer has resolved every image.
  static Result<Container> From(const Cli& cli, const std::string& image,
                                const std::string& name);

  Container() = default;
  ~Container();
  Container(Container&& other) noexcept;
  Container& operator=(Container&& other) noexcept;
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;

  const std::string& name() const { return name_; }
  // Removes the container now; a failure is reported, and it is not
  // tried again.
  Status Remove();

 private:
  const Cli* cli_ = nullptr;
  std::string name_;
};

// `buildah mount` of a container: its root filesystem on the host until
// `buildah umount`.
class RootfsMount {
 public:
  static Result<RootfsMount> Mount(const Cli& cli, const std::string& name);

  RootfsMount() = default;
  ~RootfsMount();
  RootfsMount(RootfsMount&& other) noexcept;
  RootfsMount& operator=(RootfsMount&& other) noexcept;
  RootfsMount(const RootfsMount&) = delete;
  RootfsMount& operator=(const RootfsMount&) = delete;

  const std::string& path() const { return path_; }
  Status Unmount();

 private:
  const Cli* cli_ = nullptr;
  std::string container_;
  std::string path_;
};

// The build's intermediate images, removed with `buildah rmi`.
class ImageSet {
 public:
  explicit ImageSet(const Cli& cli) : cli_(cli) {}
  ~ImageSet() { (void)RemoveAll(); }
  ImageSet(const ImageSet&) = delete;
  ImageSet& operator=(const ImageSet&) = delete;

  // An image id or name.
  void Add(std::string image) { ids_.push_back(std::move(image)); }
  // Removes every image; the first failure is reported after trying all.
  Status RemoveAll();

 private:
  const Cli& cli_;
  std::vector<std::string> ids_;
};

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_RESOURCES_H_
