// Where a layer's blob goes. A sink is a plain function so that anything
// with a streaming write can take a layer: a file, a pipe to a registry
// upload, or the store's BlobWriter, which verifies the digest on commit.
#ifndef ZLAYER_LAYER_SINK_H_
#define ZLAYER_LAYER_SINK_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "zlayer/result.h"

namespace zlayer::layer {

// Receives the blob in order, one call at a time but not necessarily on the
// caller's thread. An error stops the layer and is what the writer returns.
using Sink = std::function<Status(std::span<const uint8_t> data)>;

// Writes everything to `fd`, which must outlive the sink; errors read
// "write <name>: <strerror>".
Sink FdSink(int fd, std::string name);

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_SINK_H_
