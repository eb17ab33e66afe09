#include "dockerfile/mounts.h"

#include <array>

#include "base/units.h"
#include "dockerfile/mount_fields.h"
#include "dockerfile/suggest.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

constexpr std::array<std::string_view, 5> kMountTypes = {
    "bind", "cache", "tmpfs", "secret", "ssh"};
constexpr std::array<std::string_view, 3> kSharingModes = {"shared", "private",
                                                           "locked"};
constexpr std::array<std::string_view, 19> kMountKeys = {
    "type",        "from", "source", "target",    "readonly", "id",  "sharing",
    "required",    "size", "mode",   "uid",       "gid",      "src", "dst",
    "destination", "ro",   "rw",     "readwrite", "env"};

std::unexpected<Error> Invalid(std::string message) {
  return Fail(std::move(message), ErrorKind::kInvalid);
}

bool TakesSecretOptions(MountType type) {
  return type == MountType::kSecret || type == MountType::kSsh;
}

std::string UnexpectedForType(std::string_view key, MountType type) {
  return "unexpected key '" + std::string(key) + "' for mount type '" +
         std::string(MountTypeName(type)) + "'";
}

// State of one parse: the mount plus whether read-only was chosen by the
// user or is still the per-type default.
struct MountParse {
  Mount mount;
  bool read_only_auto = true;
};

// A field without '=': only the boolean switches may be written bare.
Status ApplyBareField(MountParse& st, std::string_view key,
                      std::string_view field) {
  if (key == "readonly" || key == "ro") {
    st.mount.read_only = true;
  } else if (key == "readwrite" || key == "rw") {
    st.mount.read_only = false;
  } else if (key == "required") {
    if (!TakesSecretOptions(st.mount.type)) {
      return Invalid(UnexpectedForType(key, st.mount.type));
    }
    st.mount.required = true;
    return Ok();
  } else {
    return Invalid("invalid field '" + std::string(field) +
                   "' must be a key=value pair");
  }
  st.read_only_auto = false;
  return Ok();
}

Result<bool> BoolValue(std::string_view key, std::string_view value) {
  std::optional<bool> parsed = ParseGoBool(value);
  if (!parsed) {
    return Invalid("invalid value for " + std::string(key) + ": " +
                   std::string(value));
  }
  return *parsed;
}

Result<uint32_t> NumberValue(std::string_view key, std::string_view value,
                             int base) {
  std::optional<uint32_t> parsed = ParseUint32(value, base);
  if (!parsed) {
    return Invalid("invalid value " + std::string(value) + " for " +
                   std::string(key));
  }
  return *parsed;
}

Status ApplyEnumField(MountParse& st, std::string_view key,
                      const std::string& value) {
  std::string lower = text::ToLower(value);
  if (key == "type") {
    for (size_t i = 0; i < kMountTypes.size(); ++i) {
      if (lower == kMountTypes[i]) {
        st.mount.type = static_cast<MountType>(i);
        return Ok();
      }
    }
    return Invalid(
        WithSuggestion("unsupported mount type " + text::GoQuote(value), value,
                       kMountTypes, true));
  }
  for (size_t i = 0; i < kSharingModes.size(); ++i) {
    if (lower == kSharingModes[i]) {
      st.mount.sharing = static_cast<MountSharing>(i);
      return Ok();
    }
  }
  return Invalid(
      WithSuggestion("unsupported sharing value " + text::GoQuote(value), value,
                     kSharingModes, true));
}

Status ApplyField(MountParse& st, std::string_view key, std::string value,
                  std::string_view field) {
  Mount& m = st.mount;
  if (key == "type" || key == "sharing") return ApplyEnumField(st, key, value);
  if (key == "from") {
    m.from = std::move(value);
  } else if (key == "source" || key == "src") {
    m.source = std::move(value);
  } else if (key == "target" || key == "dst" || key == "destination") {
    m.target = std::move(value);
  } else if (key == "readonly" || key == "ro") {
    ZL_ASSIGN_OR_RETURN(m.read_only, BoolValue(key, value));
    st.read_only_auto = false;
  } else if (key == "readwrite" || key == "rw") {
    ZL_ASSIGN_OR_RETURN(bool rw, BoolValue(key, value));
    m.read_only = !rw;
    st.read_only_auto = false;
  } else if (key == "required") {
    if (!TakesSecretOptions(m.type)) {
      return Invalid(UnexpectedForType(key, m.type));
    }
    ZL_ASSIGN_OR_RETURN(m.required, BoolValue(key, value));
  } else if (key == "size") {
    if (m.type != MountType::kTmpfs) {
      return Invalid(UnexpectedForType(key, m.type));
    }
    Result<uint64_t> size = base::ParseSize(value);
    if (!size) return Invalid("invalid value for size: " + value);
    m.size_limit = static_cast<int64_t>(*size);
  } else if (key == "id") {
    m.id = std::move(value);
  } else if (key == "mode") {
    ZL_ASSIGN_OR_RETURN(m.mode, NumberValue(key, value, 8));
  } else if (key == "uid") {
    ZL_ASSIGN_OR_RETURN(m.uid, NumberValue(key, value, 10));
  } else if (key == "gid") {
    ZL_ASSIGN_OR_RETURN(m.gid, NumberValue(key, value, 10));
  } else if (key == "env") {
    m.env = std::move(value);
  } else {
    return Invalid(WithSuggestion("unexpected key '" + std::string(key) +
                                      "' in '" + std::string(field) + "'",
                                  key, kMountKeys, true));
  }
  return Ok();
}

// Cross-field rules, checked once every field is known.
Status Validate(MountParse& st) {
  Mount& m = st.mount;
  bool file_info_allowed = m.type == MountType::kSecret ||
                           m.type == MountType::kSsh ||
                           m.type == MountType::kCache;
  std::string quoted_type = text::GoQuote(MountTypeName(m.type));
  if (!file_info_allowed) {
    if (m.mode)
      return Invalid("mode not allowed for " + quoted_type + " type mounts");
    if (m.uid)
      return Invalid("uid not allowed for " + quoted_type + " type mounts");
    if (m.gid)
      return Invalid("gid not allowed for " + quoted_type + " type mounts");
  }
  if (st.read_only_auto) {
    m.read_only = m.type != MountType::kCache && m.type != MountType::kTmpfs;
  }
  if (m.type == MountType::kSecret) {
    if (!m.from.empty()) return Invalid("secret mount should not have a from");
    if (m.sharing) return Invalid("secret mount should not define sharing");
    if (m.source.empty() && m.target.empty() && m.id.empty()) {
      return Invalid("invalid secret mount. one of source, target required");
    }
    if (!m.source.empty() && !m.id.empty()) {
      return Invalid("both source and id can't be set");
    }
  }
  if (m.sharing && m.type != MountType::kCache) {
    return Invalid("invalid cache sharing set for " +
                   std::string(MountTypeName(m.type)) + " mount");
  }
  return Ok();
}

// Whether `value` holds a `$` other than as its last character, which is
// how BuildKit spots a variable in `from` before expansion.
bool HasVariable(std::string_view value) {
  size_t dollar = value.find('$');
  return dollar != std::string_view::npos && dollar != value.size() - 1;
}

}  // namespace

std::string_view MountTypeName(MountType type) {
  return kMountTypes[static_cast<size_t>(type)];
}

std::string_view MountSharingName(MountSharing mode) {
  return kSharingModes[static_cast<size_t>(mode)];
}

Result<Mount> ParseMount(std::string_view spec, const WordExpander* expander) {
  auto fields = SplitCsvRecord(spec);
  if (!fields) {
    return Invalid("failed to parse csv mounts: " + fields.error().message());
  }
  MountParse st;
  for (const std::string& field : *fields) {
    size_t equals = field.find('=');
    std::string key = text::ToLower(std::string_view(field).substr(0, equals));
    if (equals == std::string::npos) {
      if (expander == nullptr) continue;  // judged in the expanding pass
      ZL_RETURN_IF_ERROR(ApplyBareField(st, key, field));
      continue;
    }
    std::string value = field.substr(equals + 1);
    if (expander != nullptr) {
      ZL_ASSIGN_OR_RETURN(value, (*expander)(value));
    } else if (key != "from") {
      continue;  // may hold variables: judged in the expanding pass
    } else if (HasVariable(value)) {
      return Invalid(
          "'from' doesn't support variable expansion, define alias stage "
          "instead");
    }
    ZL_RETURN_IF_ERROR(ApplyField(st, key, std::move(value), field));
  }
  ZL_RETURN_IF_ERROR(Validate(st));
  return st.mount;
}

std::string CacheMountId(const Mount& mount) {
  return mount.id.empty() ? CleanPath(mount.target) : mount.id;
}

MountSharing CacheMountSharing(const Mount& mount) {
  return mount.sharing.value_or(MountSharing::kShared);
}

uint32_t CacheMountMode(const Mount& mount) {
  return mount.mode.value_or(0755);
}

Result<SecretMount> ResolveSecretMount(const Mount& mount) {
  SecretMount secret;
  secret.id = mount.source.empty() ? mount.id : mount.source;
  if (secret.id.empty()) {
    if (mount.target.empty()) {
      return Invalid("one of source, target required");
    }
    secret.id = PathBase(mount.target);
  }
  if (!mount.target.empty()) secret.target = mount.target;
  if (!mount.env) {
    // Without env= the secret must land in a file somewhere.
    if (!secret.target) secret.target = "/run/secrets/" + PathBase(secret.id);
  }
  secret.env = mount.env;
  secret.required = mount.required;
  secret.uid = mount.uid.value_or(0);
  secret.gid = mount.gid.value_or(0);
  secret.mode = mount.mode.value_or(0400);
  return secret;
}

Result<SshMount> ResolveSshMount(const Mount& mount, int ssh_index) {
  if (!mount.source.empty()) return Invalid("ssh does not support source");
  SshMount ssh;
  ssh.id = mount.id.empty() ? "default" : mount.id;
  ssh.target = mount.target.empty()
                   ? "/run/buildkit/ssh_agent." + std::to_string(ssh_index)
                   : mount.target;
  ssh.required = mount.required;
  ssh.uid = mount.uid.value_or(0);
  ssh.gid = mount.gid.value_or(0);
  ssh.mode = mount.mode.value_or(0600);
  return ssh;
}

}  // namespace zlayer::dockerfile
