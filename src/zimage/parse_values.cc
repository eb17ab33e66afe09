// The image-config keys shared by the top level and stages, and the small
// typed values (ports, healthcheck, platform, os, build directives).
#include <algorithm>

#include "zimage/humantime.h"
#include "zimage/parse_internal.h"

namespace zlayer::zimage::internal {
namespace {

const KeyList kHealthKeys = {"cmd", "interval", "timeout", "start_period",
                             "retries"};
const KeyList kBuildKeys = {"context", "workdir", "file", "args"};

std::string Str(std::string_view s) { return std::string(s); }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// One port spec (4.6): `8080`, `"8080"`, `"53/udp"`.
std::optional<Port> ParsePort(Reader& r, const Text& spec,
                              std::string_view prefix) {
  std::string_view number = spec.value;
  std::string proto = "tcp";
  if (const size_t slash = number.find('/'); slash != std::string::npos) {
    proto = Lower(number.substr(slash + 1));
    number = number.substr(0, slash);
    if (proto.empty() || proto.find('/') != std::string::npos) {
      r.Error(spec.mark, Str(prefix) + "invalid port spec '" + spec.value +
                             "', expected format '<port>/<protocol>'");
      return std::nullopt;
    }
  }
  if (!AllDigits(number) || number.size() > 5 ||
      std::stoi(std::string(number)) < 1 ||
      std::stoi(std::string(number)) > 65535) {
    r.Error(spec.mark,
            Str(prefix) + "invalid port number: '" + Str(number) + "'");
    return std::nullopt;
  }
  Port port{static_cast<uint16_t>(std::stoi(std::string(number))),
            Protocol::kTcp, spec.mark};
  if (proto == "udp") {
    port.protocol = Protocol::kUdp;
  } else if (proto == "sctp") {
    port.protocol = Protocol::kSctp;
  } else if (proto != "tcp") {
    r.Error(spec.mark, Str(prefix) + "invalid port protocol '" + proto +
                           "' in '" + spec.value +
                           "', expected tcp, udp or "
                           "sctp");
    return std::nullopt;
  }
  return port;
}

std::vector<Port> ReadExpose(Reader& r, const Entry& entry,
                             std::string_view prefix) {
  std::vector<Port> out;
  std::optional<std::vector<Text>> specs = r.StringList(entry, prefix, true);
  if (!specs) return out;
  for (const Text& spec : *specs) {
    if (std::optional<Port> p = ParsePort(r, spec, prefix)) out.push_back(*p);
  }
  return out;
}

std::optional<std::chrono::nanoseconds> ReadDuration(Reader& r,
                                                     const Entry& entry,
                                                     std::string_view prefix,
                                                     std::string_view name) {
  std::optional<Text> text = r.String(entry, prefix);
  if (!text) return std::nullopt;
  Result<std::chrono::nanoseconds> d = ParseHumantime(text->value);
  std::string reason;
  if (!d) {
    reason = d.error().message();
  } else if (d->count() > 0 && *d < std::chrono::milliseconds(1)) {
    reason = "must be at least 1ms";
  } else {
    return *d;
  }
  r.Error(text->mark, Str(prefix) + "invalid healthcheck " + Str(name) + " '" +
                          text->value + "': " + reason);
  return std::nullopt;
}

std::optional<Healthcheck> ReadHealthcheck(Reader& r, const Entry& entry,
                                           std::string_view prefix) {
  std::optional<std::vector<Entry>> entries =
      r.Mapping(entry.value, entry.mark, prefix, entry.key,
                WhereOf(prefix, "healthcheck"), kHealthKeys);
  if (!entries) return std::nullopt;
  Healthcheck h;
  h.mark = entry.mark;
  bool ok = true;
  bool has_cmd = false;
  for (const Entry& e : *entries) {
    if (e.key == "cmd") {
      has_cmd = true;
      std::optional<Command> c =
          r.ReadCommand(e.value, e.mark, prefix, "healthcheck.cmd", false);
      if (c && !c->exec_form) {
        ok &= CheckSingleLine(r, Text{c->shell, c->mark}, prefix,
                              "healthcheck.cmd");
      }
      if (c) h.cmd = std::move(*c);
      ok &= c.has_value();
    } else if (e.key == "retries") {
      h.retries = r.Unsigned(e, prefix);
      ok &= h.retries.has_value();
    } else {
      auto d = ReadDuration(r, e, prefix, e.key);
      ok &= d.has_value();
      (e.key == "interval"  ? h.interval
       : e.key == "timeout" ? h.timeout
                            : h.start_period) = d;
    }
  }
  if (!has_cmd) {
    r.Error(entry.mark, Str(prefix) + "'healthcheck' needs a 'cmd'");
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return h;
}

std::optional<Text> ReadLine(Reader& r, const Entry& entry,
                             std::string_view prefix) {
  std::optional<Text> text = r.String(entry, prefix);
  if (text && !CheckText(r, *text, prefix, entry.key)) return {};
  return text;
}

// ENV/LABEL/ARG keys and values must fit one Dockerfile line.
std::vector<KeyValue> ReadPairs(Reader& r, const Entry& entry,
                                std::string_view prefix) {
  std::vector<KeyValue> out = r.StringMap(entry, prefix);
  std::erase_if(out, [&](const KeyValue& kv) {
    const std::string name = entry.key + "." + kv.key;
    if (kv.key.find('=') != std::string::npos) {
      r.Error(kv.mark, Str(prefix) + "name '" + kv.key + "' in '" + entry.key +
                           "' must not contain '='");
      return true;
    }
    return !CheckSingleLine(r, Text{kv.key, kv.mark}, prefix, name) ||
           !CheckSingleLine(r, Text{kv.value, kv.mark}, prefix, name);
  });
  return out;
}

}  // namespace

std::string WhereOf(std::string_view prefix, std::string_view what) {
  std::string_view owner = prefix;
  if (owner.ends_with(": ")) owner.remove_suffix(2);
  if (owner.empty()) return "in " + Str(what);
  if (what.empty()) return "in " + Str(owner);
  return "in " + Str(owner) + ", " + Str(what);
}

bool CheckSingleLine(Reader& r, const Text& text, std::string_view prefix,
                     std::string_view name) {
  if (text.value.find_first_of("\r\n") == std::string::npos) return true;
  // Shell text loses its surrounding blank lines (a folded `>` scalar ends
  // in one); only breaks inside it count.
  const std::string_view v = text.value;
  const size_t first = v.find_first_not_of(" \t\r\n");
  const size_t last = v.find_last_not_of(" \t\r\n");
  if (name.ends_with("cmd") || name == "entrypoint") {
    if (first == std::string_view::npos ||
        v.substr(first, last - first + 1).find_first_of("\r\n") ==
            std::string_view::npos) {
      return true;
    }
  }
  r.Error(text.mark, Str(prefix) + "'" + Str(name) +
                         "' must be a single line (a Dockerfile cannot hold "
                         "a line break there)");
  return false;
}

bool CheckText(Reader& r, const Text& text, std::string_view prefix,
               std::string_view name) {
  if (text.value.empty()) {
    r.Error(text.mark, Str(prefix) + "'" + Str(name) + "' must not be empty");
    return false;
  }
  return CheckSingleLine(r, text, prefix, name);
}

bool CheckWord(Reader& r, const Text& text, std::string_view prefix,
               std::string_view name) {
  if (!text.value.empty() &&
      text.value.find_first_of(" \t\r\n\"'\\") == std::string::npos) {
    return true;
  }
  r.Error(text.mark, Str(prefix) + "'" + Str(name) + "' must be one word " +
                         "(no whitespace, quotes or backslashes), got '" +
                         text.value + "'");
  return false;
}

std::optional<Text> ReadWord(Reader& r, const Entry& entry,
                             std::string_view prefix) {
  std::optional<Text> text = r.String(entry, prefix);
  if (text && !CheckWord(r, *text, prefix, entry.key)) return std::nullopt;
  return text;
}

std::vector<KeyValue> ReadArgs(Reader& r, const Entry& entry,
                               std::string_view prefix) {
  std::vector<KeyValue> out = ReadPairs(r, entry, prefix);
  std::erase_if(out, [&](const KeyValue& kv) {
    if (kv.key.find_first_of(" \t\"'\\") == std::string::npos) return false;
    r.Error(kv.mark, Str(prefix) + "name '" + kv.key + "' in '" + entry.key +
                         "' must be one word (no whitespace, quotes or "
                         "backslashes)");
    return true;
  });
  return out;
}

bool ReadMetadataKey(Reader& r, const Entry& e, std::string_view prefix,
                     Metadata& meta) {
  const std::string& k = e.key;
  if (k == "env") {
    meta.env = ReadPairs(r, e, prefix);
  } else if (k == "labels") {
    meta.labels = ReadPairs(r, e, prefix);
  } else if (k == "workdir") {
    meta.workdir = ReadLine(r, e, prefix);
  } else if (k == "user") {
    meta.user = ReadLine(r, e, prefix);
  } else if (k == "stopsignal") {
    meta.stopsignal = ReadLine(r, e, prefix);
  } else if (k == "expose") {
    meta.expose = ReadExpose(r, e, prefix);
  } else if (k == "volumes") {
    if (auto list = r.StringList(e, prefix, false)) {
      for (const Text& v : *list) {
        if (CheckText(r, v, prefix, "volumes")) {
          meta.volumes.push_back(v);
        }
      }
    }
  } else if (k == "healthcheck") {
    meta.healthcheck = ReadHealthcheck(r, e, prefix);
  } else if (k == "entrypoint" || k == "cmd") {
    std::optional<Command> c = r.ReadCommand(e.value, e.mark, prefix, k, true);
    if (c && !c->exec_form &&
        !CheckSingleLine(r, Text{c->shell, c->mark}, prefix, k)) {
      c.reset();
    }
    (k == "cmd" ? meta.cmd : meta.entrypoint) = std::move(c);
  } else {
    return false;
  }
  return true;
}

std::optional<Text> ReadPlatform(Reader& r, const Entry& entry,
                                 std::string_view prefix) {
  std::optional<Text> text = ReadWord(r, entry, prefix);
  if (text && text->value.find(',') != std::string::npos) {
    r.Error(text->mark, Str(prefix) + "'platform' takes one value, got '" +
                            text->value +
                            "' (build several platforms with --platform)");
    return std::nullopt;
  }
  return text;
}

std::optional<TargetOs> ReadOs(Reader& r, const Entry& entry,
                               std::string_view prefix) {
  std::optional<Text> text = r.String(entry, prefix);
  if (!text) return std::nullopt;
  if (text->value == "linux") return TargetOs::kLinux;
  if (text->value == "windows") return TargetOs::kWindows;
  r.Error(text->mark, Str(prefix) + "'os' must be 'linux' or 'windows', got '" +
                          text->value + "'");
  return std::nullopt;
}

std::optional<BuildDirective> ReadBuild(Reader& r, const Entry& entry,
                                        std::string_view prefix,
                                        std::string_view where) {
  BuildDirective b;
  b.mark = entry.mark;
  if (entry.value.IsScalar()) {
    std::optional<Text> context = ReadLine(r, entry, prefix);
    if (!context) return std::nullopt;
    b.context = context->value;
    return b;
  }
  std::optional<std::vector<Entry>> entries =
      r.Mapping(entry.value, entry.mark, prefix, entry.key,
                WhereOf(prefix, where), kBuildKeys);
  if (!entries) return std::nullopt;
  bool ok = true;
  for (const Entry& e : *entries) {
    if (e.key == "args") {
      b.args = ReadArgs(r, e, prefix);
      continue;
    }
    std::optional<Text> text = ReadLine(r, e, prefix);
    ok &= text.has_value();
    if (!text) continue;
    if (e.key == "file") {
      b.file = text->value;
    } else if (b.context) {
      r.Error(e.mark, Str(prefix) +
                          "'context' and 'workdir' of 'build' are aliases; "
                          "give only one");
      ok = false;
    } else {
      b.context = text->value;
    }
  }
  if (!ok) return std::nullopt;
  return b;
}

}  // namespace zlayer::zimage::internal
