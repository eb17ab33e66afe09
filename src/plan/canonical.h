// The canonical text of a step: its kind on the first line, then one
// `field "value"` line per input in a fixed order, values Go-quoted so no
// value can imitate a field boundary.
#ifndef ZLAYER_PLAN_CANONICAL_H_
#define ZLAYER_PLAN_CANONICAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "dockerfile/text.h"
#include "plan/go_format.h"

namespace zlayer::plan {

class Canonical {
 public:
  explicit Canonical(std::string_view kind) : text_(kind) {}

  void Add(std::string_view field, std::string_view value) {
    text_ += '\n';
    text_ += field;
    text_ += ' ';
    text_ += dockerfile::text::GoQuote(value);
  }
  void AddList(std::string_view field, const std::vector<std::string>& values) {
    text_ += '\n';
    text_ += field;
    text_ += ' ';
    text_ += GoListQ(values);
  }
  const std::string& Text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_CANONICAL_H_
