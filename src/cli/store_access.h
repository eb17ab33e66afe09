// Opening the store the global --root names, shared by the image commands.
#ifndef ZLAYER_CLI_STORE_ACCESS_H_
#define ZLAYER_CLI_STORE_ACCESS_H_

#include <string>

#include "cli/command.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::cli {

// /var/lib/zlayer for root; otherwise $XDG_DATA_HOME/zlayer, or
// ~/.local/share/zlayer without XDG_DATA_HOME.
std::string DefaultRoot();

// Opens (creating when missing) the store at global.root.
Result<store::Store> OpenStore(const GlobalOptions& global);

}  // namespace zlayer::cli

#endif  // ZLAYER_CLI_STORE_ACCESS_H_
