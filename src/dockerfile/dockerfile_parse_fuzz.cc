// Feeds arbitrary bytes to the Dockerfile parser and dumps what it accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dockerfile/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = zlayer::dockerfile::Parse(text);
  if (parsed) {
    std::string dump = zlayer::dockerfile::Dump(*parsed);
    for (const auto& node : parsed->nodes) {
      for (const auto& heredoc : node.heredocs) {
        (void)zlayer::dockerfile::ChompHeredocContent(heredoc.content);
      }
    }
    if (dump.empty()) __builtin_trap();  // every parsed file has a node
  }
  return 0;
}
