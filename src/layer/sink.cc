#include "layer/sink.h"

#include <string_view>
#include <utility>

#include "base/file_io.h"

namespace zlayer::layer {

Sink FdSink(int fd, std::string name) {
  return [fd, name = std::move(name)](std::span<const uint8_t> data) {
    return base::WriteAll(
        fd,
        std::string_view(reinterpret_cast<const char*>(data.data()),
                         data.size()),
        name);
  };
}

}  // namespace zlayer::layer
