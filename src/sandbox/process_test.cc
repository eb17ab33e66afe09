#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "sandbox/sandbox.h"

namespace zlayer::sandbox {
namespace {

TEST(CancelHandlersTest, FirstSignalSetsTheFlagSecondKills) {
  // In a child process, so that the second signal kills it, not the tests.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::atomic<bool>* flag = InstallCancelHandlers();
    if (flag != InstallCancelHandlers()) ::_exit(10);
    if (flag->load()) ::_exit(11);
    ::raise(SIGTERM);
    if (!flag->load()) ::_exit(12);
    ::raise(SIGINT);
    ::_exit(13);  // not reached: the second signal kills
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGINT);
}

TEST(PrivateMountNamespaceTest, IsIdempotentAndPrivate) {
  ASSERT_TRUE(EnterPrivateMountNamespace());
  ASSERT_TRUE(EnterPrivateMountNamespace());
  char self[64];
  char parent[64];
  ssize_t n = ::readlink("/proc/self/ns/mnt", self, sizeof self - 1);
  // The process that started the tests never left its namespace.
  std::string parent_ns = "/proc/" + std::to_string(::getppid()) + "/ns/mnt";
  ssize_t m = ::readlink(parent_ns.c_str(), parent, sizeof parent - 1);
  ASSERT_GT(n, 0);
  ASSERT_GT(m, 0);
  EXPECT_NE(std::string(self, n), std::string(parent, m));
}

}  // namespace
}  // namespace zlayer::sandbox
