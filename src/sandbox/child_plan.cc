// The parent's half of child.h: building the plan.
#include "sandbox/child.h"

namespace zlayer::sandbox::internal {

const char* ChildPlan::Keep(std::string text) {
  strings_.push_back(std::move(text));
  return strings_.back().c_str();
}

int ChildPlan::Step(std::string description) {
  steps.push_back(std::move(description));
  return static_cast<int>(steps.size() - 1);
}

void ChildPlan::Finish() {
  argv.clear();
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  envp.clear();
  for (std::string& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);
  path_dirs.clear();
  for (const std::string& dir : path_dirs_storage) {
    path_dirs.push_back(dir.c_str());
  }
}

}  // namespace zlayer::sandbox::internal
