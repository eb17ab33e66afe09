// BuildKit's llb.EnvList: the variables of a stage's build state (image
// ENV, then ARG and ENV instructions). Setting a name moves it to the end,
// so the order is that of the latest assignments; this is both what `$VAR`
// expands against and the environment RUN gets.
#ifndef ZLAYER_PLAN_ENV_LIST_H_
#define ZLAYER_PLAN_ENV_LIST_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shell/variables.h"

namespace zlayer::plan {

class EnvList final : public shell::Variables {
 public:
  void Set(std::string_view key, std::string value);
  std::optional<std::string_view> Get(std::string_view name) const override;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  std::vector<std::string> Keys() const;
  // "K=V" in order.
  std::vector<std::string> ToArray() const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// "K=V" split at the first '='; no '=' means an empty value.
std::pair<std::string, std::string> SplitKeyValue(std::string_view entry);

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_ENV_LIST_H_
