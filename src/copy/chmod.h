// --chmod as BuildKit applies it: an octal value replaces the permission
// bits (setuid, setgid and sticky included); anything else is a chmod(1)
// symbolic mode, parsed with BSD setmode's rules (tonistiigi/dchapes-mode)
// with a zero umask and applied to each copied file's own mode.
#ifndef ZLAYER_COPY_CHMOD_H_
#define ZLAYER_COPY_CHMOD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::copy {

class ModeSpec {
 public:
  // "" gives a spec that keeps every mode; errors are kInvalid and name
  // the value.
  static Result<ModeSpec> Parse(const std::string& text);

  bool empty() const { return !octal_ && cmds_.empty(); }
  // The new permission bits (07777) for a file with `mode`.
  uint32_t Apply(uint32_t mode, bool is_dir) const;

 private:
  struct Cmd {
    char cmd;
    uint8_t cmd2;
    uint16_t bits;
  };
  void AddCmd(char op, uint16_t who, uint16_t oparg, uint16_t mask);
  void Compress();

  bool octal_ = false;
  uint16_t octal_mode_ = 0;
  std::vector<Cmd> cmds_;
};

}  // namespace zlayer::copy

#endif  // ZLAYER_COPY_CHMOD_H_
