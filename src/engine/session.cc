#include "engine/session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/file_io.h"
#include "base/unique_fd.h"

namespace zlayer::engine {

Session::Session(store::Store& store, const store::Lease& lease,
                 const BuildOptions& options, const plan::Plan& plan,
                 std::string build_id, std::string work_dir,
                 copy::SourceTree context,
                 std::unique_ptr<copy::HashCache> hashes,
                 std::map<std::string, std::string> secrets)
    : store_(store),
      lease_(lease),
      options_(options),
      plan_(plan),
      snapshots_(store),
      build_id_(std::move(build_id)),
      work_dir_(std::move(work_dir)),
      context_(std::move(context)),
      hashes_(std::move(hashes)),
      secrets_(std::move(secrets)),
      done_(plan.stages.size(), false),
      results_(plan.stages.size()) {}

Result<std::string> Session::NewDir(const std::string& hint) {
  int n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = next_dir_++;
  }
  std::string dir = work_dir_ + "/" + std::to_string(n) + "-" + hint;
  if (::mkdir(dir.c_str(), 0755) != 0) {
    return FailErrno("mkdir " + dir, errno);
  }
  return dir;
}

const std::string* Session::Secret(const std::string& id) const {
  auto it = secrets_.find(id);
  return it == secrets_.end() ? nullptr : &it->second;
}

Result<std::string> Session::WriteSecretFile(const std::string& id, uid_t uid,
                                             gid_t gid, uint32_t mode) {
  const std::string* value = Secret(id);
  if (value == nullptr) return Fail("secret " + id + " not provided");
  int n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = next_dir_++;
  }
  std::string path = secrets_dir_ + "/" + std::to_string(n);
  base::UniqueFd fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return FailErrno("create secret file", errno);
  ZL_RETURN_IF_ERROR(base::WriteAll(fd.get(), *value, "secret " + id));
  if (::fchown(fd.get(), uid, gid) != 0) {
    return FailErrno("chown secret file", errno);
  }
  if (::fchmod(fd.get(), mode) != 0) {
    return FailErrno("chmod secret file", errno);
  }
  return path;
}

std::string Session::Redact(std::string line) const {
  for (const auto& [id, value] : secrets_) {
    if (value.empty()) continue;
    for (size_t pos = line.find(value); pos != std::string::npos;
         pos = line.find(value, pos + 4)) {
      line.replace(pos, value.size(), "****");
    }
  }
  return line;
}

void Session::Emit(progress::Event event) {
  if (options_.events == nullptr) return;
  std::lock_guard<std::mutex> lock(emit_mu_);
  options_.events->Emit(event);
}

void Session::Publish(int stage, std::optional<StageResult> result) {
  std::lock_guard<std::mutex> lock(mu_);
  results_[stage] = std::move(result);
  done_[stage] = true;
  published_.notify_all();
}

const StageResult* Session::Wait(int stage) {
  std::unique_lock<std::mutex> lock(mu_);
  published_.wait(lock, [&] { return done_[stage]; });
  return results_[stage] ? &*results_[stage] : nullptr;
}

Result<std::vector<LayerRef>> Session::ImageLayers(
    const std::string& image_id) {
  ZL_ASSIGN_OR_RETURN(store::ImageRecord image, store_.GetImage(image_id));
  return LayersOf(image);
}

}  // namespace zlayer::engine
