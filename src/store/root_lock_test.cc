#include "store/root_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/temp_dir.h"

namespace zlayer::store {
namespace {

class RootLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    path_ = dir_.path() + "/lock";
  }
  bool CanTake(LockMode mode) {
    auto lock = RootLock::TryAcquire(path_, mode);
    EXPECT_TRUE(lock) << lock.error().message();
    return lock && lock->has_value();
  }

  base::TempDir dir_;
  std::string path_;
};

TEST_F(RootLockTest, SharedHoldersCoexistAndExcludeExclusive) {
  auto a = RootLock::Acquire(path_, LockMode::kShared);
  auto b = RootLock::Acquire(path_, LockMode::kShared);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->held());
  EXPECT_TRUE(CanTake(LockMode::kShared));
  EXPECT_FALSE(CanTake(LockMode::kExclusive));
  *a = RootLock();
  EXPECT_FALSE(CanTake(LockMode::kExclusive));
  *b = RootLock();
  EXPECT_TRUE(CanTake(LockMode::kExclusive));
}

TEST_F(RootLockTest, ExclusiveExcludesEveryone) {
  auto lock = RootLock::Acquire(path_, LockMode::kExclusive);
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->mode(), LockMode::kExclusive);
  EXPECT_FALSE(CanTake(LockMode::kShared));
  EXPECT_FALSE(CanTake(LockMode::kExclusive));
}

// A thread opens the lock file anew, which makes it a separate holder just
// like another process. (A forked child would inherit the held descriptor
// and with it the lock itself.)
TEST_F(RootLockTest, AcquireWaitsForTheHolder) {
  auto held = RootLock::Acquire(path_, LockMode::kExclusive);
  ASSERT_TRUE(held);
  std::atomic<bool> acquired = false;
  std::thread waiter([&] {
    auto lock = RootLock::Acquire(path_, LockMode::kShared);
    acquired = lock.has_value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(acquired);
  *held = RootLock();
  waiter.join();
  EXPECT_TRUE(acquired);
}

TEST_F(RootLockTest, LockOfACrashedProcessIsReleased) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto lock = RootLock::Acquire(path_, LockMode::kExclusive);
    ::kill(::getpid(), SIGKILL);
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(CanTake(LockMode::kExclusive));
}

TEST_F(RootLockTest, MissingDirectoryIsAnError) {
  auto lock = RootLock::Acquire(dir_.path() + "/nope/lock", LockMode::kShared);
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().kind(), ErrorKind::kIo);
}

}  // namespace
}  // namespace zlayer::store
