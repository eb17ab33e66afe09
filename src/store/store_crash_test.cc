// Crash safety: a writer killed at an arbitrary point (SIGKILL, so no
// destructor runs) must leave a store that opens, lists and verifies, with
// at most garbage left over, which GC then removes.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "base/temp_dir.h"
#include "store/store.h"
#include "store/workload_testing.h"

namespace zlayer::store {
namespace {

using testing::Expectation;
using testing::MakeTestImage;
using testing::RunWorkload;
using testing::TestImage;

int CountEntries(const std::string& dir) {
  int count = 0;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return -1;
  while (dirent* entry = ::readdir(handle)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(handle);
  return count;
}

void ExpectSound(const std::string& root) {
  auto store = Store::Open(root);
  ASSERT_TRUE(store) << store.error().message();
  // Open found no writer, so it swept the crashed one's temporary files.
  EXPECT_EQ(CountEntries(root + "/tmp"), 0);
  auto images = store->ListImages();
  ASSERT_TRUE(images) << images.error().message();
  for (const ImageRecord& image : *images) EXPECT_GT(image.total_size, 0);
  auto report = store->VerifyAll();
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_TRUE(report->ok()) << ::testing::PrintToString(report->problems);
  ASSERT_TRUE(store->GarbageCollect());
  auto usage = store->DiskUsage();
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->unreferenced_blobs, 0);
  EXPECT_TRUE(store->VerifyAll()->ok());
}

TEST(StoreCrashTest, WriterKilledAtRandomPoints) {
  auto dir = base::TempDir::Create().value();
  std::string root = dir.path();
  ASSERT_TRUE(Store::Open(root));
  std::mt19937 rng(42);
  for (int round = 0; round < 8; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Expectation expect;
      auto store = Store::Open(root);
      if (!store) ::_exit(1);
      auto status = RunWorkload(*store, 0, 1'000'000, 7 + round, expect);
      ::_exit(status ? 0 : 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 400));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the workload ended before the kill";
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectSound(root);
  }
}

TEST(StoreCrashTest, CrashBetweenBlobsAndIndexLeavesOnlyGarbage) {
  auto dir = base::TempDir::Create().value();
  std::string root = dir.path();
  TestImage image = MakeTestImage({"l1", "l2"}, "crash");
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::Open(root);
    if (!store) ::_exit(1);
    auto lease = store->AcquireLease();
    if (!lease || !testing::WriteLayers(*store, *lease, image)) ::_exit(1);
    // Half of a third blob, then death before PutImage: no destructor runs.
    auto writer = store->blobs().NewWriter(*lease);
    if (!writer || !writer->Write("partial")) ::_exit(1);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(CountEntries(root + "/tmp"), 1);

  auto store = Store::Open(root);
  ASSERT_TRUE(store);
  EXPECT_EQ(CountEntries(root + "/tmp"), 0);
  EXPECT_TRUE(store->ListImages()->empty());
  EXPECT_EQ(store->DiskUsage()->unreferenced_blobs, 2);
  EXPECT_TRUE(store->VerifyAll()->ok());
  EXPECT_EQ(store->GarbageCollect()->blobs_removed, 2);
}

TEST(StoreCrashTest, CrashDuringGarbageCollectionLeavesOnlyGarbage) {
  auto dir = base::TempDir::Create().value();
  std::string root = dir.path();
  {
    Store store = Store::Open(root).value();
    for (int i = 0; i < 20; ++i) {
      TestImage image = MakeTestImage({"x" + std::to_string(i)}, "gc");
      ASSERT_TRUE(testing::Import(store, image, {"keep" + std::to_string(i)}));
    }
    for (int i = 0; i < 20; i += 2) {
      ASSERT_TRUE(store.RemoveImage("keep" + std::to_string(i)));
    }
  }
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::Open(root);
    for (;;) {
      if (!store || !store->GarbageCollect()) ::_exit(1);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(15));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  ExpectSound(root);
  EXPECT_EQ(Store::Open(root)->ListImages()->size(), 10u);
}

}  // namespace
}  // namespace zlayer::store
