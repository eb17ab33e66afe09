// Follows the user package of moby/sys (GetExecUser), which Docker and
// BuildKit use, so that USER resolves to the same ids and groups.
#include "sandbox/users.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <optional>

#include "base/unique_fd.h"
#include "sandbox/root_path.h"

namespace zlayer::sandbox {
namespace {

constexpr int64_t kMaxId = (int64_t{1} << 31) - 1;
// Cap on a user database file, as in moby/sys/user.
constexpr size_t kMaxUserFileBytes = 10 << 20;

struct PasswdEntry {
  std::string name;
  int64_t uid = 0;
  int64_t gid = 0;
  std::string home;
};

struct GroupEntry {
  std::string name;
  int64_t gid = 0;
  std::vector<std::string> members;
};

// Go's strconv.Atoi: optional sign, decimal digits, 64-bit range.
enum class NumParse { kNotNumber, kOk, kOutOfRange };
NumParse ParseGoInt(std::string_view text, int64_t* out) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return NumParse::kNotNumber;
  for (char c : digits) {
    if (c < '0' || c > '9') return NumParse::kNotNumber;
  }
  uint64_t value = 0;
  auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || value > (uint64_t{1} << 63) - (negative ? 0 : 1)) {
    return NumParse::kOutOfRange;
  }
  *out =
      negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return NumParse::kOk;
}

// Numbers in the files themselves: conversion errors count as 0.
int64_t FieldNumber(std::string_view text) {
  int64_t value = 0;
  if (ParseGoInt(text, &value) != NumParse::kOk) return 0;
  return value;
}

struct IdArg {
  std::string name;
  int64_t id = 0;
  bool numeric = false;
};

Result<std::optional<IdArg>> ParseIdArg(std::string_view text) {
  if (text.empty()) return std::nullopt;
  IdArg arg{std::string(text), 0, false};
  switch (ParseGoInt(text, &arg.id)) {
    case NumParse::kNotNumber:
      break;
    case NumParse::kOutOfRange:
      return Fail("uids and gids must be in range 0-2147483647",
                  ErrorKind::kInvalid);
    case NumParse::kOk:
      if (arg.id < 0 || arg.id > kMaxId) {
        return Fail("uids and gids must be in range 0-2147483647",
                    ErrorKind::kInvalid);
      }
      arg.numeric = true;
      break;
  }
  return arg;
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t end = s.find(sep, pos);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(pos));
      return out;
    }
    out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
}

template <typename Fn>
void ForEachLine(std::string_view data, Fn&& fn) {
  for (std::string_view line : Split(data, '\n')) {
    line = Trim(line);
    if (!line.empty()) fn(line);
  }
}

std::vector<PasswdEntry> ParsePasswd(std::string_view data) {
  std::vector<PasswdEntry> out;
  ForEachLine(data, [&](std::string_view line) {
    std::vector<std::string_view> f = Split(line, ':');
    PasswdEntry entry;
    entry.name = std::string(f[0]);
    if (f.size() > 2) entry.uid = FieldNumber(f[2]);
    if (f.size() > 3) entry.gid = FieldNumber(f[3]);
    if (f.size() > 5) entry.home = std::string(f[5]);
    out.push_back(std::move(entry));
  });
  return out;
}

std::vector<GroupEntry> ParseGroup(std::string_view data) {
  std::vector<GroupEntry> out;
  ForEachLine(data, [&](std::string_view line) {
    if (line[0] == '#') return;
    std::vector<std::string_view> f = Split(line, ':');
    GroupEntry entry;
    entry.name = std::string(f[0]);
    if (f.size() > 2) entry.gid = FieldNumber(f[2]);
    if (f.size() > 3 && !f[3].empty()) {
      for (std::string_view member : Split(f[3], ',')) {
        entry.members.emplace_back(member);
      }
    }
    out.push_back(std::move(entry));
  });
  return out;
}

// The file's contents, or nullopt when it cannot be opened or is not a
// regular file (moby/sys then behaves as if there were no file at all).
Result<std::optional<std::string>> ReadUserFile(const std::string& rootfs,
                                                const std::string& path) {
  Result<base::UniqueFd> fd = OpenInRoot(rootfs, path);
  if (!fd) return std::nullopt;
  struct stat st;
  if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  std::string data;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("read " + path, errno);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kMaxUserFileBytes) {
      return Fail("read " + path + ": file exceeds " +
                      std::to_string(kMaxUserFileBytes) + " bytes",
                  ErrorKind::kInvalid);
    }
  }
  return data;
}

}  // namespace

Result<Credentials> ResolveUser(const std::string& rootfs,
                                std::string_view spec, bool with_groups) {
  size_t colon = spec.find(':');
  std::string_view user_text = spec.substr(0, colon);
  std::string_view group_text = colon == std::string_view::npos
                                    ? std::string_view()
                                    : spec.substr(colon + 1);
  ZL_ASSIGN_OR_RETURN(std::optional<IdArg> user_arg, ParseIdArg(user_text));
  ZL_ASSIGN_OR_RETURN(std::optional<IdArg> group_arg, ParseIdArg(group_text));

  Credentials creds;
  Result<std::optional<std::string>> passwd_data =
      ReadUserFile(rootfs, "/etc/passwd");
  if (!passwd_data) {
    std::string name = user_arg ? user_arg->name : "0";
    return std::unexpected(
        passwd_data.error().AddContext("unable to find user " + name));
  }

  std::string matched_name;
  if (*passwd_data) {
    for (const PasswdEntry& entry : ParsePasswd(**passwd_data)) {
      bool match = !user_arg           ? entry.uid == 0
                   : user_arg->numeric ? entry.uid == user_arg->id
                                       : entry.name == user_arg->name;
      if (!match) continue;
      matched_name = entry.name;
      creds.uid = static_cast<uid_t>(entry.uid);
      creds.gid = static_cast<gid_t>(entry.gid);
      if (!entry.home.empty()) creds.home = entry.home;
      break;
    }
  }
  if (matched_name.empty() && user_arg) {
    if (!user_arg->numeric) {
      return Fail("unable to find user " + user_arg->name +
                      ": no matching entries in passwd file",
                  ErrorKind::kNotFound);
    }
    creds.uid = static_cast<uid_t>(user_arg->id);
  }

  bool want_groups = with_groups && !matched_name.empty();
  if (!group_arg && !want_groups) return creds;

  Result<std::optional<std::string>> group_data =
      ReadUserFile(rootfs, "/etc/group");
  if (!group_data) {
    return std::unexpected(group_data.error().AddContext(
        "unable to find groups for spec " + matched_name));
  }
  std::vector<GroupEntry> groups;
  if (*group_data) groups = ParseGroup(**group_data);

  if (group_arg) {
    bool found = false;
    for (const GroupEntry& group : groups) {
      if (group_arg->numeric ? group.gid == group_arg->id
                             : group.name == group_arg->name) {
        creds.gid = static_cast<gid_t>(group.gid);
        found = true;
        break;
      }
    }
    if (!found) {
      if (!group_arg->numeric) {
        return Fail("unable to find group " + group_arg->name +
                        ": no matching entries in group file",
                    ErrorKind::kNotFound);
      }
      creds.gid = static_cast<gid_t>(group_arg->id);
    }
    // Supplementary groups only come with the implicit form, as in Docker.
    return creds;
  }
  for (const GroupEntry& group : groups) {
    for (const std::string& member : group.members) {
      if (member == matched_name) {
        creds.supplementary_gids.push_back(static_cast<gid_t>(group.gid));
        break;
      }
    }
  }
  return creds;
}

}  // namespace zlayer::sandbox
