#include "base/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace zlayer::base {
namespace {

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

TEST(UniqueFdTest, DefaultIsInvalid) {
  UniqueFd fd;
  EXPECT_FALSE(fd.valid());
  EXPECT_FALSE(fd);
  EXPECT_EQ(fd.get(), -1);
  EXPECT_TRUE(fd.Close().has_value());
}

TEST(UniqueFdTest, DestructorCloses) {
  int raw;
  {
    auto fd = OpenFile("/dev/null", O_RDONLY);
    ASSERT_TRUE(fd.has_value()) << fd.error().message();
    raw = fd->get();
    EXPECT_TRUE(IsOpen(raw));
  }
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, OpenSetsCloseOnExec) {
  auto fd = OpenFile("/dev/null", O_RDONLY);
  ASSERT_TRUE(fd.has_value());
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
}

TEST(UniqueFdTest, OpenErrorNamesThePath) {
  auto fd = OpenFile("/x/y", O_RDONLY);
  ASSERT_FALSE(fd.has_value());
  EXPECT_EQ(fd.error().message(), "open /x/y: No such file or directory");
  EXPECT_EQ(fd.error().kind(), ErrorKind::kIo);
  EXPECT_EQ(fd.error().errno_value(), ENOENT);
}

TEST(UniqueFdTest, OpenAtIsRelativeToTheDirectory) {
  auto dir = OpenFile("/dev", O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(dir.has_value());
  auto null = OpenFileAt(dir->get(), "null", O_WRONLY);
  ASSERT_TRUE(null.has_value()) << null.error().message();
  auto missing = OpenFileAt(dir->get(), "no-such-device", O_RDONLY);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(),
            "open no-such-device: No such file or directory");
}

TEST(UniqueFdTest, MoveTransfersOwnership) {
  auto opened = OpenFile("/dev/null", O_RDONLY);
  ASSERT_TRUE(opened.has_value());
  UniqueFd a = std::move(*opened);
  int raw = a.get();
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());
  EXPECT_EQ(b.get(), raw);
  UniqueFd c;
  c = std::move(b);
  EXPECT_EQ(c.get(), raw);
  EXPECT_TRUE(IsOpen(raw));
  c = UniqueFd();
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, ReleaseKeepsTheDescriptorOpen) {
  auto fd = OpenFile("/dev/null", O_RDONLY);
  ASSERT_TRUE(fd.has_value());
  int raw = fd->release();
  EXPECT_FALSE(fd->valid());
  EXPECT_TRUE(IsOpen(raw));
  ::close(raw);
}

TEST(UniqueFdTest, ResetClosesThePrevious) {
  auto first = OpenFile("/dev/null", O_RDONLY);
  auto second = OpenFile("/dev/null", O_RDONLY);
  ASSERT_TRUE(first.has_value() && second.has_value());
  int raw_first = first->get();
  int raw_second = second->release();
  first->reset(raw_second);
  EXPECT_FALSE(IsOpen(raw_first));
  EXPECT_EQ(first->get(), raw_second);
  first->reset(raw_second);  // resetting to itself must not close it
  EXPECT_TRUE(IsOpen(raw_second));
}

TEST(UniqueFdTest, CloseReportsErrors) {
  auto fd = OpenFile("/dev/null", O_RDONLY);
  ASSERT_TRUE(fd.has_value());
  int raw = fd->get();
  ::close(raw);  // a double close must surface as EBADF, not pass silently
  auto status = fd->Close();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().errno_value(), EBADF);
  EXPECT_FALSE(fd->valid());
}

TEST(UniqueFdTest, PipeCarriesData) {
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.has_value());
  EXPECT_TRUE(::fcntl(pipe->read_end.get(), F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(::fcntl(pipe->write_end.get(), F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(::write(pipe->write_end.get(), "hi", 2), 2);
  char buf[2];
  ASSERT_EQ(::read(pipe->read_end.get(), buf, 2), 2);
  EXPECT_EQ(std::string(buf, 2), "hi");
}

}  // namespace
}  // namespace zlayer::base
