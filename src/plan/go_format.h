// Go's fmt and time formatting where BuildKit's history texts depend on it:
// "%v" and "%q" of a []string, and time.Duration's String().
#ifndef ZLAYER_PLAN_GO_FORMAT_H_
#define ZLAYER_PLAN_GO_FORMAT_H_

#include <chrono>
#include <string>
#include <vector>

namespace zlayer::plan {

// fmt.Sprintf("%v", words): "[a b c]".
std::string GoListV(const std::vector<std::string>& words);
// fmt.Sprintf("%q", words): `["a" "b c"]`, each element strconv.Quote'd.
std::string GoListQ(const std::vector<std::string>& words);
// time.Duration(d).String(): "0s", "1.5s", "1m30s", "1h0m0s", "500ms".
std::string GoDuration(std::chrono::nanoseconds d);

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_GO_FORMAT_H_
