// Validation and normalization BuildKit applies to EXPOSE ports and
// STOPSIGNAL values before they enter the image config.
#ifndef ZLAYER_PLAN_CONFIG_RULES_H_
#define ZLAYER_PLAN_CONFIG_RULES_H_

#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::plan {

// One EXPOSE word ("80", "80/udp", "8000-8002/tcp", even "127.0.0.1:80:80")
// as the "port/proto" entries it stands for, ranges expanded and the
// protocol lower-cased (BuildKit's parsePort). `lint` receives
// ExposeProtoCasing / ExposeInvalidFormat findings.
Result<std::vector<std::string>> ParseExposePort(
    std::string_view raw, std::vector<std::string>* lint);

// moby/sys/signal.ParseSignal: a non-zero number or a signal name, with or
// without "SIG", any case.
Status ValidateStopSignal(std::string_view signal);

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_CONFIG_RULES_H_
