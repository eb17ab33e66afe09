// Helpers for the planner's tests: an in-memory ImageResolver and a
// one-call "plan this Dockerfile text".
#ifndef ZLAYER_PLAN_PLAN_TESTING_H_
#define ZLAYER_PLAN_PLAN_TESTING_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dockerfile/stages.h"
#include "plan/plan.h"

namespace zlayer::plan::testing {

class FakeImages final : public ImageResolver {
 public:
  // An image whose config is `config` (os/architecture default to
  // linux/amd64), id "sha256:<name>".
  oci::ImageConfig& Add(const std::string& ref, oci::ImageConfig config = {}) {
    if (config.os.empty()) config.os = "linux";
    if (config.architecture.empty()) config.architecture = "amd64";
    ImageInfo info{
        .ref = ref + (ref.find(':') == std::string::npos ? ":latest" : ""),
        .id = "sha256:" + ref,
        .config = std::move(config)};
    return images_.insert_or_assign(ref, std::move(info)).first->second.config;
  }

  Result<ImageInfo> Resolve(const std::string& ref,
                            const oci::Platform& platform) override {
    calls.emplace_back(ref, platform);
    auto it = images_.find(ref);
    if (it == images_.end()) {
      return Fail("image " + ref + " not found", ErrorKind::kNotFound);
    }
    return it->second;
  }

  std::vector<std::pair<std::string, oci::Platform>> calls;

 private:
  std::map<std::string, ImageInfo> images_;
};

inline oci::Platform Amd64() {
  return oci::Platform{.architecture = "amd64", .os = "linux"};
}

inline PlanOptions Options(std::map<std::string, std::string> build_args = {}) {
  PlanOptions options;
  options.build_args = std::move(build_args);
  options.target_platform = Amd64();
  options.build_platform = Amd64();
  return options;
}

inline Result<Plan> PlanText(const std::string& text,
                             const PlanOptions& options, FakeImages& images) {
  ZL_ASSIGN_OR_RETURN(dockerfile::Dockerfile file,
                      dockerfile::ParseDockerfile(text));
  return MakePlan(file, options, images);
}

inline Result<Plan> PlanText(const std::string& text,
                             const PlanOptions& options = Options()) {
  FakeImages images;
  images.Add("busybox");
  images.Add("alpine");
  return PlanText(text, options, images);
}

// The value of `key` in "K=V" entries, or "<unset>".
inline std::string EnvValue(const std::vector<std::string>& env,
                            const std::string& key) {
  for (const std::string& entry : env) {
    if (entry.starts_with(key + "=")) return entry.substr(key.size() + 1);
  }
  return "<unset>";
}

}  // namespace zlayer::plan::testing

#endif  // ZLAYER_PLAN_PLAN_TESTING_H_
