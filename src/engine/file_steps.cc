// COPY, ADD and WORKDIR, and the input digests that key them.
#include <cctype>
#include <variant>

#include "copy/copy.h"
#include "engine/stage_runner.h"
#include "sandbox/users.h"

namespace zlayer::engine {
namespace {

copy::CopyRequest MakeRequest(const plan::Step& step) {
  copy::CopyRequest request;
  auto fill = [&](const auto& command) {
    request.sources = command.files.source_paths;
    for (const dockerfile::SourceContent& content :
         command.files.source_contents) {
      request.inline_files.push_back(
          copy::InlineFile{.name = content.path, .data = content.data});
    }
    request.dest = command.files.dest_path;
    request.excludes = command.exclude_patterns;
    request.chmod = command.chmod;
  };
  if (const auto* copy = std::get_if<dockerfile::CopyCommand>(&step.command)) {
    fill(*copy);
    request.parents = copy->parents;
  } else if (const auto* add =
                 std::get_if<dockerfile::AddCommand>(&step.command)) {
    fill(*add);
    request.is_add = true;
    request.unpack = add->unpack;
    request.checksum = add->checksum;
  }
  request.workdir = step.config_before.working_dir.empty()
                        ? "/"
                        : step.config_before.working_dir;
  request.location = step.file;
  return request;
}

std::string ChownOf(const plan::Step& step) {
  if (const auto* copy = std::get_if<dockerfile::CopyCommand>(&step.command)) {
    return copy->chown;
  }
  if (const auto* add = std::get_if<dockerfile::AddCommand>(&step.command)) {
    return add->chown;
  }
  return "";
}

}  // namespace

bool IsLinkCopy(const plan::Step& step) {
  if (const auto* copy = std::get_if<dockerfile::CopyCommand>(&step.command)) {
    return copy->link;
  }
  if (const auto* add = std::get_if<dockerfile::AddCommand>(&step.command)) {
    return add->link;
  }
  return false;
}

namespace {

bool IsNumericOwner(const std::string& spec) {
  for (char c : spec) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != ':') return false;
  }
  return true;
}

}  // namespace

Result<std::string> StageRunner::InputsDigest(
    const plan::Step& step, std::vector<copy::InputFile>* files) {
  if (std::holds_alternative<dockerfile::CopyCommand>(step.command) ||
      std::holds_alternative<dockerfile::AddCommand>(step.command)) {
    if (step.copy_source.kind != plan::SourceKind::kContext) {
      return SourceIdentity(step.copy_source);
    }
    copy::CopyRequest request = MakeRequest(step);
    ZL_ASSIGN_OR_RETURN(
        copy::InputDigest digest,
        copy::DigestInputs(session_.context(), request, session_.hashes()));
    *files = std::move(digest.files);
    return digest.digest.ToString();
  }
  const auto* run = std::get_if<dockerfile::RunCommand>(&step.command);
  if (run == nullptr) return std::string();
  std::string inputs;
  for (size_t i = 0; i < run->mounts.size(); ++i) {
    const dockerfile::Mount& mount = run->mounts[i];
    if (mount.type != dockerfile::MountType::kBind) continue;
    plan::SourceRef source = i < step.mount_sources.size()
                                 ? step.mount_sources[i]
                                 : plan::SourceRef{};
    if (source.kind != plan::SourceKind::kContext) {
      ZL_ASSIGN_OR_RETURN(std::string identity, SourceIdentity(source));
      inputs += identity + ";";
      continue;
    }
    copy::CopyRequest request;
    request.sources = {mount.source.empty() ? "." : mount.source};
    request.dest = "/";
    ZL_ASSIGN_OR_RETURN(
        copy::InputDigest digest,
        copy::DigestInputs(session_.context(), request, session_.hashes()));
    for (copy::InputFile& file : digest.files) {
      files->push_back(std::move(file));
    }
    inputs += digest.digest.ToString() + ";";
  }
  return inputs;
}

Status StageRunner::ExecuteCopy(const plan::Step& step,
                                const std::string& merged) {
  copy::CopyRequest request = MakeRequest(step);
  std::string chown = ChownOf(step);
  if (!chown.empty()) {
    // --link layers are built apart from the image, but names in --chown
    // still mean what the image's /etc/passwd says.
    std::string users_root = merged;
    SourceView parent_view;
    if (IsLinkCopy(step) && !IsNumericOwner(chown) && !layers_.empty()) {
      ZL_ASSIGN_OR_RETURN(std::vector<std::string> lowers,
                          session_.snapshots().Lowers(layers_));
      ZL_ASSIGN_OR_RETURN(std::string dir, session_.NewDir("users"));
      ZL_ASSIGN_OR_RETURN(parent_view.mount,
                          sandbox::ScopedMount::ReadOnlyView(lowers, dir));
      users_root = dir;
    }
    ZL_ASSIGN_OR_RETURN(sandbox::Credentials owner,
                        sandbox::ResolveUser(users_root, chown, false));
    request.chown = copy::Owner{.uid = owner.uid, .gid = owner.gid};
    // BuildKit's readUser: a bare numeric --chown is uid and gid alike,
    // whatever /etc/passwd says (a bare name takes the passwd group).
    if (chown.find(':') == std::string::npos && IsNumericOwner(chown)) {
      request.chown->gid = request.chown->uid;
    }
  }
  ZL_ASSIGN_OR_RETURN(SourceView view, OpenSource(step.copy_source));
  Status copied = copy::Copy(*view.tree, request, merged);
  return copied;
}

Status MakeWorkdir(const std::string& root, const plan::Step& step) {
  uid_t uid = 0;
  gid_t gid = 0;
  if (!step.config_before.user.empty()) {
    ZL_ASSIGN_OR_RETURN(
        sandbox::Credentials user,
        sandbox::ResolveUser(root, step.config_before.user, false));
    uid = user.uid;
    gid = user.gid;
  }
  std::string path = step.config_after.working_dir.empty()
                         ? "/"
                         : step.config_after.working_dir;
  return MkdirAllInRoot(root, path, uid, gid);
}

Status StageRunner::ExecuteWorkdir(const plan::Step& step,
                                   const std::string& merged) {
  return MakeWorkdir(merged, step);
}

}  // namespace zlayer::engine
