// The container's first process between clone(2) and execve(2). The parent
// may be multithreaded, so the child must not allocate or take a lock: the
// parent turns the whole setup into a ChildPlan of ready strings and arrays,
// and the child only walks it making system calls. A failed step is sent to
// the parent through the close-on-exec error pipe as {step, errno}.
#ifndef ZLAYER_SANDBOX_CHILD_H_
#define ZLAYER_SANDBOX_CHILD_H_

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace zlayer::sandbox::internal {

enum class OpKind {
  kMount,         // mount(a, b, c, flags, d)
  kMkdir,         // mkdir(a, mode) then chmod, an existing one is fine
  kCreateFile,    // an empty file at a unless something is there
  kSymlink,       // symlink(a, b)
  kMknod,         // mknod(a, mode, dev)
  kMountSysfs,    // sysfs at b read-only, else a read-only rbind of a
  kMaskPath,      // hides a: read-only tmpfs on a directory, bind of b
                  // (/dev/null) on anything else; a missing a is fine
  kReadonlyPath,  // rbind a onto itself read-only; a missing a is fine
  kLoopbackUp,    // sets IFF_UP on lo
  kPivotRoot,     // pivot_root into a and detach the old root
  kSethostname,   // a
  kChdir,         // a
};

struct Op {
  OpKind kind = OpKind::kMount;
  const char* a = nullptr;
  const char* b = nullptr;
  const char* c = nullptr;
  const char* d = nullptr;
  unsigned long flags = 0;
  mode_t mode = 0;
  dev_t dev = 0;
  int step = 0;  // index into ChildPlan::steps
};

struct ChildFailure {
  int32_t step;
  int32_t err;
};

class ChildPlan {
 public:
  // Keeps `text` alive (and at a fixed address) for the child.
  const char* Keep(std::string text);
  // Registers the description of a step ("mount /proc").
  int Step(std::string description);
  void Add(Op op) { ops.push_back(op); }

  // Freezes the vectors below into the raw arrays the child reads.
  void Finish();

  std::vector<Op> ops;
  std::vector<std::string> steps;

  std::array<int, 3> stdio = {-1, -1, -1};  // -1: inherited
  int error_fd = -1;

  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<std::string> path_dirs_storage;  // PATH entries
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::vector<const char*> path_dirs;

  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  uint64_t kept_caps = 0;
  int last_cap = 40;

  int step_stdio = 0;
  int step_caps = 0;
  int step_setgroups = 0;
  int step_setgid = 0;
  int step_setuid = 0;
  int step_exec = 0;

 private:
  std::deque<std::string> strings_;
};

// clone(2) entry point; `arg` is a ChildPlan*. Never returns.
int ChildMain(void* arg);

}  // namespace zlayer::sandbox::internal

#endif  // ZLAYER_SANDBOX_CHILD_H_
