// Feeds arbitrary bytes to the Dockerfile parser and, for what it accepts,
// to the dump and the typed instruction layer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dockerfile/parser.h"
#include "dockerfile/stages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = zlayer::dockerfile::Parse(text);
  if (!parsed) return 0;
  std::string dump = zlayer::dockerfile::Dump(*parsed);
  if (dump.empty()) __builtin_trap();  // every parsed file has a node
  auto file = zlayer::dockerfile::BuildDockerfile(*parsed);
  if (file && file->stages.empty()) __builtin_trap();
  return 0;
}
