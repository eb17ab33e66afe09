// `zlayer debug verify-store`: re-hashes every blob and cross-checks the
// index, for tests and for diagnosing a damaged root.
#include <cstdio>

#include "base/units.h"
#include "cli/command.h"
#include "cli/store_access.h"

namespace zlayer::cli {
namespace {

Status VerifyStore(const GlobalOptions& global) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(store::VerifyReport report, store.VerifyAll());
  for (const std::string& problem : report.problems) {
    std::printf("%s\n", problem.c_str());
  }
  if (!report.ok()) {
    return Fail("store " + store.root() + ": " +
                std::to_string(report.problems.size()) + " problems found");
  }
  std::printf("%lld blobs (%s) verified\n",
              static_cast<long long>(report.blobs_checked),
              base::FormatSize(report.bytes_checked).c_str());
  return Ok();
}

}  // namespace

void RegisterVerifyStoreCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* debug = app.get_subcommand("debug");
  CLI::App* cmd = debug->add_subcommand(
      "verify-store", "Re-hash every blob and check the store's index");
  cmd->callback([&invocation] {
    invocation.run = [&invocation] { return VerifyStore(invocation.global); };
  });
}

}  // namespace zlayer::cli
