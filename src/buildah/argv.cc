#include "buildah/argv.h"

#include <filesystem>
#include <map>

#include "base/json_text.h"

namespace zlayer::buildah {
namespace {

std::string KeyOf(const std::string& entry) {
  return entry.substr(0, entry.find('='));
}

std::string Nanoseconds(std::chrono::nanoseconds value) {
  return std::to_string(value.count()) + "ns";
}

}  // namespace

std::string StageImageName(std::string_view build_id, std::string_view name,
                           int index) {
  return "zlayer-build-" + std::string(build_id) + "-stage-" +
         (name.empty() ? std::to_string(index) : std::string(name));
}

std::string ContainerName(std::string_view build_id, std::string_view what) {
  return "zlayer-build-" + std::string(build_id) + "-" + std::string(what);
}

std::string EscapeConfigEnvValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

std::string ShellWords(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    out += '\'';
    for (char c : word) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

std::string CsvField(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JsonArray(const std::vector<std::string>& values) {
  return base::JsonArray(values, ",");
}

std::string CleanFromRoot(std::string_view path) {
  // lexically_normal keeps a leading ".." only for relative paths; from
  // "/" it has nowhere to climb, as in Go's path.Clean("/" + p).
  std::string rooted(1, '/');
  rooted += path;
  std::string cleaned = std::filesystem::path(rooted).lexically_normal();
  while (cleaned.size() > 1 && cleaned.back() == '/') cleaned.pop_back();
  return cleaned;
}

std::string ContextSource(std::string_view context_dir, std::string_view src) {
  std::string inside = CleanFromRoot(src);
  std::string dir(context_dir);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return inside == "/" ? dir : dir + inside;
}

std::string CopyDestination(std::string_view workdir, std::string_view dest) {
  bool directory = dest.ends_with('/') || dest == "." || dest.ends_with("/.");
  std::string base = workdir.empty() ? "/" : std::string(workdir);
  std::string joined = dest.starts_with('/') ? std::string(dest)
                                             : base + "/" + std::string(dest);
  std::string cleaned = CleanFromRoot(joined);
  if (directory && cleaned != "/") cleaned += '/';
  return cleaned;
}

std::string MountTarget(std::string_view workdir, std::string_view target) {
  if (target.starts_with('/')) return CleanFromRoot(target);
  return CleanFromRoot(std::string(workdir.empty() ? "/" : workdir) + "/" +
                       std::string(target));
}

Result<std::string> MountArg(const RunMount& mount) {
  for (const std::string* path : {&mount.source, &mount.target, &mount.id}) {
    if (path->find(',') != std::string::npos) {
      return Fail("RUN --mount: \"" + *path +
                      "\" holds a comma, which buildah's --mount syntax "
                      "cannot carry; a path with a comma is not supported by "
                      "the buildah backend",
                  ErrorKind::kUnsupported);
    }
  }
  std::string arg;
  switch (mount.type) {
    case RunMount::Type::kBind:
      arg = "type=bind";
      if (!mount.from.empty()) arg += ",from=" + mount.from;
      arg += ",src=" + mount.source + ",target=" + mount.target;
      arg += mount.read_only ? ",ro" : ",rw";
      break;
    case RunMount::Type::kCache:
      arg = "type=cache,target=" + mount.target;
      if (!mount.id.empty()) arg += ",id=" + mount.id;
      if (!mount.sharing.empty()) arg += ",sharing=" + mount.sharing;
      if (mount.mode) {
        char octal[16];
        std::snprintf(octal, sizeof(octal), "%04o", *mount.mode);
        arg += std::string(",mode=") + octal;
      }
      if (mount.uid) arg += ",uid=" + std::to_string(*mount.uid);
      if (mount.gid) arg += ",gid=" + std::to_string(*mount.gid);
      if (mount.read_only) arg += ",ro";
      break;
    case RunMount::Type::kTmpfs:
      arg = "type=tmpfs,target=" + mount.target;
      if (mount.tmpfs_size > 0) {
        arg += ",tmpfs-size=" + std::to_string(mount.tmpfs_size);
      }
      break;
  }
  return arg;
}

Result<std::vector<std::string>> RunArgs(const RunSpec& spec) {
  std::vector<std::string> args = {"run",
                                   "--network",
                                   spec.network_none ? "none" : "host",
                                   "--user",
                                   spec.user.empty() ? "0:0" : spec.user,
                                   "--workingdir",
                                   spec.workdir.empty() ? "/" : spec.workdir};
  for (const std::string& entry : spec.env) {
    args.push_back("--env");
    args.push_back(entry);
  }
  for (const RunMount& mount : spec.mounts) {
    ZL_ASSIGN_OR_RETURN(std::string arg, MountArg(mount));
    args.push_back("--mount");
    args.push_back(std::move(arg));
  }
  args.push_back(spec.container);
  args.push_back("--");
  args.insert(args.end(), spec.argv.begin(), spec.argv.end());
  return args;
}

std::vector<std::string> CopyArgs(const CopySpec& spec) {
  std::vector<std::string> args = {spec.add ? "add" : "copy", "--quiet"};
  if (!spec.from.empty()) {
    args.push_back("--from");
    args.push_back(spec.from);
  }
  if (!spec.context_dir.empty()) {
    args.push_back("--contextdir");
    args.push_back(spec.context_dir);
    if (!spec.ignore_file.empty()) {
      args.push_back("--ignorefile");
      args.push_back(spec.ignore_file);
    }
  }
  if (!spec.chown.empty()) {
    args.push_back("--chown");
    args.push_back(spec.chown);
  }
  if (!spec.chmod.empty()) {
    args.push_back("--chmod");
    args.push_back(spec.chmod);
  }
  args.push_back(spec.container);
  args.insert(args.end(), spec.sources.begin(), spec.sources.end());
  args.push_back(spec.dest);
  return args;
}

std::vector<std::string> ConfigArgs(const oci::ContainerConfig& current,
                                    const std::string& current_author,
                                    const ConfigTarget& target) {
  const oci::ContainerConfig& want = target.config;
  std::vector<std::string> args;
  auto flag = [&](const char* name, std::string value) {
    args.push_back(name);
    args.push_back(std::move(value));
  };

  std::map<std::string, bool> wanted_env;
  for (const std::string& entry : want.env) wanted_env[KeyOf(entry)] = true;
  for (const std::string& entry : current.env) {
    if (!wanted_env.contains(KeyOf(entry))) flag("--env", KeyOf(entry) + "-");
  }
  for (const std::string& entry : want.env) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) {
      flag("--env", entry + "=");
    } else {
      flag("--env", entry.substr(0, eq + 1) +
                        EscapeConfigEnvValue(entry.substr(eq + 1)));
    }
  }

  for (const auto& [key, value] : current.labels) {
    if (!want.labels.contains(key)) flag("--label", key + "-");
  }
  for (const auto& [key, value] : want.labels)
    flag("--label", key + "=" + value);
  for (const std::string& port : current.exposed_ports) {
    if (!want.exposed_ports.contains(port)) flag("--port", port + "-");
  }
  for (const std::string& port : want.exposed_ports) flag("--port", port);
  for (const std::string& volume : current.volumes) {
    if (!want.volumes.contains(volume)) flag("--volume", volume + "-");
  }
  for (const std::string& volume : want.volumes) flag("--volume", volume);

  // Lists and strings are set when the target has them and cleared when
  // only the base had them, so an untouched empty value stays absent.
  if (!want.entrypoint.empty() || !current.entrypoint.empty()) {
    flag("--entrypoint", JsonArray(want.entrypoint));
  }
  if (!want.cmd.empty() || !current.cmd.empty()) {
    flag("--cmd", JsonArray(want.cmd));
  }
  if (!want.user.empty() || !current.user.empty()) flag("--user", want.user);
  if (!want.working_dir.empty() || !current.working_dir.empty()) {
    flag("--workingdir", want.working_dir);
  }
  if (!want.stop_signal.empty() || !current.stop_signal.empty()) {
    flag("--stop-signal", want.stop_signal);
  }
  if (!want.shell.empty() || !current.shell.empty()) {
    flag("--shell", ShellWords(want.shell));
  }
  if (want.healthcheck) {
    const oci::HealthConfig& health = *want.healthcheck;
    flag("--healthcheck", ShellWords(health.test));
    // buildah fills in 30s/30s/3 for what is not given; Docker keeps 0
    // ("inherit the default").
    flag("--healthcheck-interval", Nanoseconds(health.interval));
    flag("--healthcheck-timeout", Nanoseconds(health.timeout));
    flag("--healthcheck-start-period", Nanoseconds(health.start_period));
    flag("--healthcheck-retries", std::to_string(health.retries));
  } else if (current.healthcheck) {
    flag("--healthcheck", "");
  }
  if (target.onbuild) {
    for (const std::string& trigger : want.on_build) {
      flag("--onbuild", CsvField(trigger));
    }
  }
  if (target.author != current_author) flag("--author", target.author);
  if (!target.platform.os.empty()) flag("--os", target.platform.os);
  if (!target.platform.architecture.empty()) {
    flag("--arch", target.platform.architecture);
  }
  if (!target.platform.variant.empty()) {
    flag("--variant", target.platform.variant);
  }
  if (!target.created_by.empty()) flag("--created-by", target.created_by);
  return args;
}

std::vector<std::string> CommitArgs(const CommitSpec& spec) {
  std::vector<std::string> args = {"commit", "--quiet",
                                   "--identity-label=false", "--format",
                                   spec.docker_format ? "docker" : "oci"};
  if (spec.squash) args.push_back("--squash");
  if (spec.timestamp) {
    args.push_back("--timestamp");
    args.push_back(std::to_string(*spec.timestamp));
  }
  if (!spec.iidfile.empty()) {
    args.push_back("--iidfile");
    args.push_back(spec.iidfile);
  }
  args.push_back(spec.container);
  if (!spec.image.empty()) args.push_back(spec.image);
  return args;
}

}  // namespace zlayer::buildah
