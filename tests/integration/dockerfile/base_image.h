// The base image every case builds FROM, made once per test process: a
// busybox root filesystem with users and groups, a sticky /tmp and a few
// files the whiteout cases delete or replace.
#ifndef ZLAYER_TESTS_INTEGRATION_DOCKERFILE_BASE_IMAGE_H_
#define ZLAYER_TESTS_INTEGRATION_DOCKERFILE_BASE_IMAGE_H_

#include <string>

#include "tests/integration/dockerfile/rootfs_listing.h"

namespace zlayer::integration {

inline constexpr char kDockerfileBaseImage[] = "zlayer-test/busybox:latest";

struct BaseImage {
  std::string rootfs_tar;  // plain tar with numeric owners
  Listing listing;         // of the tree the tar was made from
};

// Builds the rootfs and its tarball in a directory removed at exit. Fails the
// calling test (gtest assertions) when a step fails; the result is then
// empty.
const BaseImage& SharedBaseImage();

// The scratch directory of this test process (removed at exit).
const std::string& ProcessTempDir();

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_DOCKERFILE_BASE_IMAGE_H_
