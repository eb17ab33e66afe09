// Process-wide setup: the private mount namespace and the cancel handlers.
#include <sched.h>
#include <sys/mount.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>

#include "sandbox/sandbox.h"

namespace zlayer::sandbox {
namespace {

std::atomic<bool> g_cancelled{false};

void OnCancelSignal(int sig) {
  if (g_cancelled.exchange(true)) {
    // The second signal: the user means it. Die the default way.
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(sig, &dfl, nullptr);
    ::raise(sig);
  }
}

}  // namespace

Status EnterPrivateMountNamespace() {
  static std::mutex mutex;
  static bool entered = false;
  std::lock_guard lock(mutex);
  if (entered) return Ok();
  if (::unshare(CLONE_NEWNS) != 0) {
    return FailErrno("unshare mount namespace", errno);
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return FailErrno("make / private", errno);
  }
  entered = true;
  return Ok();
}

const std::atomic<bool>* InstallCancelHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action = {};
    action.sa_handler = OnCancelSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
  });
  return &g_cancelled;
}

}  // namespace zlayer::sandbox
