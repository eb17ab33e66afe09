// RUN, COPY, ADD and WORKDIR: the steps that may make a layer.
#include <algorithm>
#include <cctype>

#include "dockerfile/run_heredoc.h"
#include "dockerfile/text.h"
#include "plan/dispatcher.h"

namespace zlayer::plan {
namespace {

// BuildKit's chmod check: octal up to 07777, or a symbolic mode, which the
// copier validates when it applies it.
Status CheckChmod(const std::string& chmod) {
  if (chmod.empty()) return Ok();
  bool numeric = std::all_of(chmod.begin(), chmod.end(), [](char ch) {
    return std::isdigit(static_cast<unsigned char>(ch));
  });
  if (!numeric) return Ok();
  bool octal = std::all_of(chmod.begin(), chmod.end(),
                           [](char ch) { return ch >= '0' && ch <= '7'; });
  uint64_t value = 0;
  for (char ch : chmod) {
    value = value * 8 + static_cast<uint64_t>(ch - '0');
    if (value > 07777) break;
  }
  if (!octal || value > 07777) {
    return Fail("invalid chmod parameter: '" + chmod +
                    "'. it should be octal string and between 0 and 07777",
                ErrorKind::kInvalid);
  }
  return Ok();
}

std::string CopyHistory(std::string_view name, bool parents,
                        const std::string& chown, const std::string& chmod,
                        const dockerfile::SourcesAndDest& files) {
  std::string message(name);
  if (parents) message += " --parents";
  if (!chown.empty()) message += " --chown=" + chown;
  if (!chmod.empty()) message += " --chmod=" + chmod;
  for (const std::string& src : files.source_paths) message += " " + src;
  for (const dockerfile::SourceContent& content : files.source_contents) {
    message += " <<" + content.path;
  }
  message += " " + files.dest_path + " # buildkit";
  return message;
}

void AddFiles(Canonical& canon, const dockerfile::SourcesAndDest& files,
              const std::string& workdir) {
  canon.AddList("src", files.source_paths);
  for (const dockerfile::SourceContent& content : files.source_contents) {
    canon.Add("heredoc", content.path + "\n" + content.data);
  }
  canon.Add("dest", DestinationPath(workdir, files.dest_path));
}

}  // namespace

Status Dispatcher::Run(dockerfile::RunCommand& c, PendingCommand& pending) {
  const std::string& workdir = d_.image.config.working_dir;
  // Where each mount lands: BuildKit joins a relative target to WORKDIR.
  auto target_of = [&](const dockerfile::Mount& mount) {
    std::string cleaned = CleanPath(mount.target);
    if (IsAbs(cleaned)) return mount.target;
    return JoinPath({"/", workdir, mount.target});
  };
  // A default cache mount gives way to any mount of the RUN (or an earlier
  // default) on the same target.
  std::set<std::string> taken;
  std::vector<size_t> keep;
  for (size_t i = 0; i < c.mounts.size(); ++i) {
    std::string target = CleanPath(target_of(c.mounts[i]));
    if (i >= pending.own_mounts && taken.contains(target)) continue;
    taken.insert(target);
    keep.push_back(i);
  }
  if (keep.size() != c.mounts.size()) {
    std::vector<dockerfile::Mount> mounts;
    std::vector<std::string> specs;
    std::vector<SourceSpec> sources;
    for (size_t i : keep) {
      mounts.push_back(std::move(c.mounts[i]));
      specs.push_back(std::move(c.mount_specs[i]));
      sources.push_back(std::move(pending.sources[i]));
    }
    c.mounts = std::move(mounts);
    c.mount_specs = std::move(specs);
    pending.sources = std::move(sources);
  }

  Canonical canon("RUN");
  int ssh_index = 0;
  for (size_t i = 0; i < c.mounts.size(); ++i) {
    const dockerfile::Mount& mount = c.mounts[i];
    SourceSpec spec =
        i < pending.sources.size() ? pending.sources[i] : SourceSpec{};
    if (mount.type == dockerfile::MountType::kSecret) {
      ZL_ASSIGN_OR_RETURN(dockerfile::SecretMount secret,
                          dockerfile::ResolveSecretMount(mount));
      canon.Add("mount", "type=secret,id=" + secret.id +
                             ",target=" + secret.target.value_or("") +
                             ",env=" + secret.env.value_or(""));
      step_.mount_sources.push_back(SourceRef{});
      continue;
    }
    if (mount.type == dockerfile::MountType::kSsh) {
      ZL_ASSIGN_OR_RETURN(dockerfile::SshMount ssh,
                          dockerfile::ResolveSshMount(mount, ssh_index++));
      canon.Add("mount", "type=ssh,id=" + ssh.id + ",target=" + ssh.target);
      step_.mount_sources.push_back(SourceRef{});
      continue;
    }
    if (mount.type == dockerfile::MountType::kTmpfs) {
      spec = SourceSpec{};
    }
    ZL_ASSIGN_OR_RETURN(SourceRef source,
                        Resolve(spec, false, mount.from, mount.target));
    std::string target = target_of(mount);
    if (target == "/") {
      return Fail("invalid mount target \"/\"", ErrorKind::kInvalid);
    }
    std::string text =
        "type=" + std::string(dockerfile::MountTypeName(mount.type)) +
        ",target=" + target;
    if (mount.type == dockerfile::MountType::kTmpfs) {
      text += ",size=" + std::to_string(mount.size_limit);
    } else {
      text += ",from=" + mount.from + ",source=" + mount.source +
              ",ro=" + (mount.read_only ? "true" : "false");
    }
    if (mount.type == dockerfile::MountType::kCache) {
      text += ",id=" + dockerfile::CacheMountId(mount) + ",sharing=" +
              std::string(dockerfile::MountSharingName(
                  dockerfile::CacheMountSharing(mount))) +
              ",mode=" + std::to_string(dockerfile::CacheMountMode(mount)) +
              ",uid=" + std::to_string(mount.uid.value_or(0)) +
              ",gid=" + std::to_string(mount.gid.value_or(0));
    }
    canon.Add("mount", text);
    step_.mount_sources.push_back(source);
  }

  ZL_ASSIGN_OR_RETURN(
      dockerfile::RunInvocation invocation,
      dockerfile::PlanRunInvocation(c, d_.image.os == "windows"));
  std::vector<std::string> args = invocation.args;
  if (c.command.prepend_shell) args = WithShell(d_.image, args);

  canon.Add("form", c.command.prepend_shell ? "shell" : "exec");
  canon.AddList("args", args);
  if (invocation.script) {
    canon.Add("script",
              invocation.script->name + "\n" + invocation.script->data);
  }
  canon.Add("network", c.network == dockerfile::NetworkMode::kNone ? "none"
                       : c.network == dockerfile::NetworkMode::kHost
                           ? "host"
                           : "default");
  canon.Add("security", c.security == dockerfile::SecurityMode::kInsecure
                            ? "insecure"
                            : "sandbox");
  canon.Add("user", d_.image.config.user);
  canon.Add("workdir", workdir);
  canon.AddList("env", d_.image.config.env);
  step_.canonical = canon.Text();

  step_.run_env = d_.env.ToArray();
  for (const std::string& entry : ctx_.proxy_env) {
    if (!d_.env.Has(SplitKeyValue(entry).first)) step_.run_env.push_back(entry);
  }
  std::vector<std::string> in_scope = ArgsInScope();
  std::string message = "RUN ";
  if (!in_scope.empty()) {
    message += "|" + std::to_string(in_scope.size()) + " ";
    for (const std::string& entry : in_scope) message += entry + " ";
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) message += ' ';
    message += args[i];
  }
  step_.created_by = message + " # buildkit";
  std::sort(in_scope.begin(), in_scope.end());
  step_.cache_args = std::move(in_scope);
  step_.changes_filesystem = true;
  return Ok();
}

Status Dispatcher::Workdir(const dockerfile::WorkdirCommand& c) {
  if (!d_.workdir_set && !IsAbs(c.path)) {
    ctx_.Lint(line_, "WorkdirRelativePath",
              "Relative workdir " + dockerfile::text::GoQuote(c.path) +
                  " can have unexpected results if the base image changes");
  }
  d_.workdir_set = true;
  std::string wd = NormalizePath(d_.image.config.working_dir, c.path, false);
  d_.image.config.working_dir = wd;
  step_.created_by = "WORKDIR " + wd;
  step_.changes_filesystem = wd != "/";
  Canonical canon("WORKDIR");
  canon.Add("path", wd);
  canon.Add("user", d_.image.config.user);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Copy(const dockerfile::CopyCommand& c,
                        PendingCommand& pending) {
  ZL_RETURN_IF_ERROR(CheckChmod(c.chmod));
  for (const std::string& src : c.files.source_paths) {
    if (IsGitSource(src)) {
      return Fail("source can't be a git ref for COPY", ErrorKind::kInvalid);
    }
    if (IsHttpSource(src)) {
      return Fail("source can't be a URL for COPY", ErrorKind::kInvalid);
    }
  }
  SourceSpec spec =
      pending.sources.empty() ? SourceSpec{} : pending.sources.front();
  ZL_ASSIGN_OR_RETURN(step_.copy_source, Resolve(spec, true, c.from, ""));
  Canonical canon("COPY");
  canon.Add("from", c.from);
  AddFiles(canon, c.files, d_.image.config.working_dir);
  canon.Add("chown", c.chown);
  canon.Add("chmod", c.chmod);
  canon.Add("link", c.link ? "true" : "false");
  canon.Add("parents", c.parents ? "true" : "false");
  canon.AddList("exclude", c.exclude_patterns);
  step_.canonical = canon.Text();
  step_.created_by = CopyHistory("COPY", c.parents, c.chown, c.chmod, c.files);
  step_.changes_filesystem = true;
  return Ok();
}

Status Dispatcher::Add(const dockerfile::AddCommand& c) {
  ZL_RETURN_IF_ERROR(CheckChmod(c.chmod));
  if (!c.checksum.empty()) {
    if (c.files.source_paths.size() != 1) {
      return Fail("checksum can't be specified for multiple sources",
                  ErrorKind::kInvalid);
    }
    const std::string& src = c.files.source_paths[0];
    if (!IsHttpSource(src) && !IsGitSource(src)) {
      return Fail("checksum requires HTTP(S) or Git sources",
                  ErrorKind::kInvalid);
    }
  }
  Canonical canon("ADD");
  AddFiles(canon, c.files, d_.image.config.working_dir);
  canon.Add("chown", c.chown);
  canon.Add("chmod", c.chmod);
  canon.Add("link", c.link ? "true" : "false");
  canon.AddList("exclude", c.exclude_patterns);
  canon.Add("keep-git-dir", !c.keep_git_dir   ? ""
                            : *c.keep_git_dir ? "true"
                                              : "false");
  canon.Add("checksum", c.checksum);
  canon.Add("unpack", !c.unpack ? "" : *c.unpack ? "true" : "false");
  step_.canonical = canon.Text();
  step_.created_by = CopyHistory("ADD", false, c.chown, c.chmod, c.files);
  step_.changes_filesystem = true;
  return Ok();
}

}  // namespace zlayer::plan
