#include "copy/chmod.h"

#include <cstring>

#include "copy/copy.h"

namespace zlayer::copy {
namespace {

constexpr uint16_t kSetUid = 04000;
constexpr uint16_t kSetGid = 02000;
constexpr uint16_t kSticky = 01000;
constexpr uint16_t kRwxU = 0700;
constexpr uint16_t kRwxG = 0070;
constexpr uint16_t kRwxO = 0007;
constexpr uint16_t kReadAll = 0444;
constexpr uint16_t kWriteAll = 0222;
constexpr uint16_t kExecAll = 0111;
constexpr uint16_t kStandard = kSetUid | kSetGid | kRwxU | kRwxG | kRwxO;

constexpr uint8_t kClear = 1;
constexpr uint8_t kSet = 2;
constexpr uint8_t kGroupBits = 4;
constexpr uint8_t kOtherBits = 8;
constexpr uint8_t kUserBits = 16;

std::string NonOctal(const std::string& text) {
  return "invalid chmod parameter: '" + text +
         "'. it should be octal string and between 0 and 07777";
}

bool AllOctalDigits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '7') return false;
  }
  return true;
}

}  // namespace

void ModeSpec::AddCmd(char op, uint16_t who, uint16_t oparg, uint16_t mask) {
  Cmd c{0, 0, 0};
  switch (op) {
    case '=':
      c.cmd = '-';
      c.bits = who != 0 ? who : kStandard;
      cmds_.push_back(c);
      op = '+';
      [[fallthrough]];
    case '+':
    case '-':
    case 'X':
      c.cmd = op;
      c.bits = who != 0 ? static_cast<uint16_t>(who & oparg)
                        : static_cast<uint16_t>(mask & oparg);
      break;
    default:  // 'u', 'g', 'o'
      c.cmd = op;
      if (who != 0) {
        if (who & 0400) c.cmd2 |= kUserBits;
        if (who & 0040) c.cmd2 |= kGroupBits;
        if (who & 0004) c.cmd2 |= kOtherBits;
        c.bits = 0xffff;
      } else {
        c.cmd2 = kUserBits | kGroupBits | kOtherBits;
        c.bits = mask;
      }
      if (oparg == '+') c.cmd2 |= kSet;
      if (oparg == '-') c.cmd2 |= kClear;
      if (oparg == '=') c.cmd2 |= kSet | kClear;
      break;
  }
  cmds_.push_back(c);
}

// Folds runs of '+', '-' and 'X' into one of each, as setmode does.
void ModeSpec::Compress() {
  std::vector<Cmd> out;
  size_t i = 0;
  while (i < cmds_.size()) {
    const Cmd& first = cmds_[i];
    if (first.cmd != '+' && first.cmd != '-' && first.cmd != 'X') {
      out.push_back(first);
      ++i;
      continue;
    }
    uint16_t set = 0, clr = 0, xbits = 0;
    for (; i < cmds_.size(); ++i) {
      const Cmd& c = cmds_[i];
      if (c.cmd == '-') {
        clr |= c.bits;
        set &= ~c.bits;
        xbits &= ~c.bits;
      } else if (c.cmd == '+') {
        set |= c.bits;
        clr &= ~c.bits;
        xbits &= ~c.bits;
      } else if (c.cmd == 'X') {
        xbits |= c.bits & ~set;
      } else {
        break;
      }
    }
    if (clr != 0) out.push_back(Cmd{'-', 0, clr});
    if (set != 0) out.push_back(Cmd{'+', 0, set});
    if (xbits != 0) out.push_back(Cmd{'X', 0, xbits});
  }
  cmds_ = std::move(out);
}

Result<ModeSpec> ModeSpec::Parse(const std::string& text) {
  ModeSpec spec;
  if (text.empty()) return spec;
  if (text[0] >= '0' && text[0] <= '9') {
    if (!AllOctalDigits(text) || text.size() > 6) {
      return Fail(NonOctal(text), ErrorKind::kInvalid);
    }
    unsigned long value = std::stoul(text, nullptr, 8);
    if (value > 07777) return Fail(NonOctal(text), ErrorKind::kInvalid);
    spec.octal_ = true;
    spec.octal_mode_ = static_cast<uint16_t>(value);
    return spec;
  }
  auto syntax = [&text]() {
    return Fail("invalid chmod parameter: '" + text + "': invalid syntax",
                ErrorKind::kInvalid);
  };
  const uint16_t mask = 0xffff;  // umask 0, as BuildKit parses it
  std::string_view s = text;
  bool equal_done = false;
  for (;;) {
    uint16_t who = 0;
    for (;;) {
      if (s.empty()) return syntax();
      char c = s.front();
      if (c == 'a') {
        who |= kStandard;
      } else if (c == 'u') {
        who |= kSetUid | kRwxU;
      } else if (c == 'g') {
        who |= kSetGid | kRwxG;
      } else if (c == 'o') {
        who |= kRwxO;
      } else {
        break;
      }
      s.remove_prefix(1);
    }
    for (;;) {  // one or more "op perms" after the same who
      char op = s.front();
      s.remove_prefix(1);
      if (op == '=') {
        equal_done = false;
      } else if (op != '+' && op != '-') {
        return syntax();
      }
      who &= static_cast<uint16_t>(~kSticky);
      uint16_t perm = 0, perm_x = 0;
      for (;; s.remove_prefix(1)) {
        char b = s.empty() ? '\0' : s.front();
        if (b == 'r') {
          perm |= kReadAll;
        } else if (b == 's') {
          if (who == 0 || (who & ~kRwxO) != 0) perm |= kSetUid | kSetGid;
        } else if (b == 't') {
          if (who == 0 || (who & ~kRwxO) != 0) {
            who |= kSticky;
            perm |= kSticky;
          }
        } else if (b == 'w') {
          perm |= kWriteAll;
        } else if (b == 'X') {
          if (op != '-') {
            perm_x = kExecAll;
          } else {
            perm |= kExecAll;
          }
        } else if (b == 'x') {
          perm |= kExecAll;
        } else if (b == 'u' || b == 'g' || b == 'o') {
          if (perm != 0) {
            spec.AddCmd(op, who, perm, mask);
            perm = 0;
          }
          if (op == '=') equal_done = true;
          if (perm_x != 0) {
            spec.AddCmd('X', who, perm_x, mask);
            perm_x = 0;
          }
          spec.AddCmd(b, who, static_cast<uint16_t>(op), mask);
        } else {
          if (perm != 0 || (op == '=' && !equal_done)) {
            if (op == '=') equal_done = true;
            spec.AddCmd(op, who, perm, mask);
          }
          if (perm_x != 0) spec.AddCmd('X', who, perm_x, mask);
          break;
        }
      }
      if (s.empty() || s.front() == ',') break;
    }
    if (s.empty()) break;
    s.remove_prefix(1);  // ','
  }
  spec.Compress();
  return spec;
}

uint32_t ModeSpec::Apply(uint32_t mode, bool is_dir) const {
  const uint16_t omode = static_cast<uint16_t>(mode & 07777);
  if (octal_) return octal_mode_;
  uint16_t newmode = omode;
  auto common = [&newmode](const Cmd& c, uint16_t value) {
    if (c.cmd2 & kClear) {
      uint16_t clr = (c.cmd2 & kSet) ? kRwxO : value;
      if (c.cmd2 & kUserBits) newmode &= ~((clr << 6) & c.bits);
      if (c.cmd2 & kGroupBits) newmode &= ~((clr << 3) & c.bits);
      if (c.cmd2 & kOtherBits) newmode &= ~(clr & c.bits);
    }
    if (c.cmd2 & kSet) {
      if (c.cmd2 & kUserBits) newmode |= (value << 6) & c.bits;
      if (c.cmd2 & kGroupBits) newmode |= (value << 3) & c.bits;
      if (c.cmd2 & kOtherBits) newmode |= value & c.bits;
    }
  };
  for (const Cmd& c : cmds_) {
    switch (c.cmd) {
      case 'u':
        common(c, (newmode & kRwxU) >> 6);
        break;
      case 'g':
        common(c, (newmode & kRwxG) >> 3);
        break;
      case 'o':
        common(c, newmode & kRwxO);
        break;
      case '+':
        newmode |= c.bits;
        break;
      case '-':
        newmode &= ~c.bits;
        break;
      case 'X':
        if ((omode & kExecAll) != 0 || is_dir) newmode |= c.bits;
        break;
      default:
        break;
    }
  }
  return newmode & 07777;
}

Result<uint32_t> ApplyChmod(const std::string& chmod, uint32_t mode,
                            bool is_dir) {
  if (chmod.empty()) {
    return Fail("invalid chmod parameter: ''", ErrorKind::kInvalid);
  }
  ZL_ASSIGN_OR_RETURN(ModeSpec spec, ModeSpec::Parse(chmod));
  return spec.Apply(mode, is_dir);
}

}  // namespace zlayer::copy
