#include "base/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "base/temp_dir.h"
#include "base/unique_fd.h"

namespace zlayer::base {
namespace {

class FileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.has_value()) << dir.error().message();
    dir_ = std::move(*dir);
  }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  TempDir dir_;
};

int CountEntries(const std::string& dir) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    (void)entry;
    ++count;
  }
  return count;
}

TEST_F(FileIoTest, RoundTripsBinaryData) {
  std::string data("a\0b\nc", 5);
  ASSERT_TRUE(WriteFileAtomic(Path("f"), data).has_value());
  auto read = ReadFile(Path("f"));
  ASSERT_TRUE(read.has_value()) << read.error().message();
  EXPECT_EQ(*read, data);
}

TEST_F(FileIoTest, ReadsFilesLargerThanOneChunk) {
  std::string data(300 * 1024 + 7, 'x');
  for (size_t i = 0; i < data.size(); i += 997) data[i] = char('a' + i % 26);
  ASSERT_TRUE(WriteFileAtomic(Path("big"), data).has_value());
  EXPECT_EQ(ReadFile(Path("big")).value(), data);
}

TEST_F(FileIoTest, ReadsEmptyFiles) {
  ASSERT_TRUE(WriteFileAtomic(Path("empty"), "").has_value());
  EXPECT_EQ(ReadFile(Path("empty")).value(), "");
}

TEST_F(FileIoTest, ReadErrorsNameThePath) {
  auto missing = ReadFile(Path("missing"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(),
            "open " + Path("missing") + ": No such file or directory");
  auto dir = ReadFile(dir_.path());
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().message(), "read " + dir_.path() + ": Is a directory");
}

TEST_F(FileIoTest, AtomicWriteReplacesAndAppliesMode) {
  ASSERT_TRUE(WriteFileAtomic(Path("f"), "old").has_value());
  ASSERT_TRUE(WriteFileAtomic(Path("f"), "new", 0600).has_value());
  EXPECT_EQ(ReadFile(Path("f")).value(), "new");
  struct stat st;
  ASSERT_EQ(::stat(Path("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_TRUE(WriteFileAtomic(Path("g"), "x", 0755).has_value());
  ASSERT_EQ(::stat(Path("g").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(CountEntries(dir_.path()), 2);  // no temporary files left
}

TEST_F(FileIoTest, AtomicWriteReplacesSymlinksInsteadOfFollowing) {
  ASSERT_TRUE(WriteFileAtomic(Path("target"), "keep").has_value());
  ASSERT_EQ(::symlink("target", Path("link").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(Path("link"), "new").has_value());
  EXPECT_EQ(ReadFile(Path("target")).value(), "keep");
  struct stat st;
  ASSERT_EQ(::lstat(Path("link").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(FileIoTest, AtomicWriteFailureLeavesNoTemporaryFile) {
  ASSERT_EQ(::mkdir(Path("sub").c_str(), 0755), 0);
  auto status = WriteFileAtomic(Path("sub"), "data");  // a directory is there
  ASSERT_FALSE(status.has_value());
  EXPECT_NE(status.error().message().find("rename "), std::string::npos);
  EXPECT_NE(status.error().message().find(" to " + Path("sub")),
            std::string::npos);
  EXPECT_EQ(CountEntries(dir_.path()), 1);
}

TEST_F(FileIoTest, AtomicWriteIntoMissingDirectoryNamesIt) {
  auto status = WriteFileAtomic(Path("no/such/file"), "data");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message(), "create temporary file in " +
                                          Path("no/such") +
                                          ": No such file or directory");
}

TEST_F(FileIoTest, AtomicWriteRejectsDirectoryPaths) {
  auto status = WriteFileAtomic(dir_.path() + "/", "data");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().kind(), ErrorKind::kInvalid);
}

TEST_F(FileIoTest, AtomicWriteAcceptsBareNames) {
  char old_cwd[4096];
  ASSERT_NE(::getcwd(old_cwd, sizeof old_cwd), nullptr);
  ASSERT_EQ(::chdir(dir_.path().c_str()), 0);
  auto status = WriteFileAtomic("bare", "data");
  ASSERT_EQ(::chdir(old_cwd), 0);
  ASSERT_TRUE(status.has_value()) << status.error().message();
  EXPECT_EQ(ReadFile(Path("bare")).value(), "data");
}

TEST(WriteAllTest, FillsANonBlockingPipePastItsCapacity) {
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.has_value());
  ASSERT_EQ(::fcntl(pipe->write_end.get(), F_SETFL, O_NONBLOCK), 0);
  std::string data(1 << 20, 'z');  // far more than the 64 KiB pipe buffer
  std::string received;
  std::thread reader([&] {
    received = ReadAll(pipe->read_end.get()).value_or("read failed");
  });
  auto status = WriteAll(pipe->write_end.get(), data);
  pipe->write_end.reset();
  reader.join();
  ASSERT_TRUE(status.has_value()) << status.error().message();
  EXPECT_EQ(received, data);
}

TEST(WriteAllTest, ErrorsNameTheTarget) {
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.has_value());
  auto status = WriteAll(pipe->read_end.get(), "x", "the pipe");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message(), "write the pipe: Bad file descriptor");
  auto unnamed = ReadAll(pipe->write_end.get());
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_EQ(unnamed.error().message(), "read: Bad file descriptor");
}

}  // namespace
}  // namespace zlayer::base
