// Emission of registry transfer events (events.h TransferProgress) for the
// code that moves blobs: `pull`, `push` and the pulls and pushes of a
// build. Blobs move in parallel, so both classes are thread-safe.
#ifndef ZLAYER_PROGRESS_TRANSFER_THROTTLE_H_
#define ZLAYER_PROGRESS_TRANSFER_THROTTLE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "progress/events.h"
#include "zlayer/result.h"

namespace zlayer::progress {

// Decides which "running" updates of a blob go out: at most one per
// `interval` per key, the first one `interval` after the blob started.
class TransferThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kDefaultInterval{100};

  explicit TransferThrottle(
      std::chrono::nanoseconds interval = kDefaultInterval)
      : interval_(interval) {}

  // The blob `key` starts now (again, after a retry).
  void Start(std::string_view key, Clock::time_point now);
  // Whether a running update at `now` may go out; if so, it counts as sent.
  bool Allow(std::string_view key, Clock::time_point now);
  // The blob ended; its key may be reused.
  void Finish(std::string_view key);

 private:
  const std::chrono::nanoseconds interval_;
  std::mutex mu_;
  std::map<std::string, Clock::time_point, std::less<>> last_;
};

// The events of one image's transfer: started, throttled running updates,
// then one final state per blob. With a null sink every call does nothing,
// so callers need no checks.
class TransferReporter {
 public:
  // `ref` is the qualified remote reference (Reference::String()).
  TransferReporter(
      EventSink* sink, TransferKind kind, std::string ref,
      std::chrono::nanoseconds interval = TransferThrottle::kDefaultInterval)
      : sink_(sink), kind_(kind), ref_(std::move(ref)), throttle_(interval) {}

  void Started(std::string_view digest, std::string_view what, uint64_t total);
  // Bytes moved so far; dropped when too soon after the blob's last event.
  void Running(std::string_view digest, std::string_view what, uint64_t done,
               uint64_t total);
  // One of kDone, kExists, kMounted, kFailed.
  void Finished(std::string_view digest, std::string_view what,
                TransferState state, uint64_t done, uint64_t total);

  // Called by a transfer with the bytes moved so far.
  using OnBytes = std::function<void(uint64_t done)>;
  // Reports `move`, a whole transfer of one blob of `total` bytes: started,
  // running while `move` calls its OnBytes, then done (done == total; both
  // the bytes moved when `total` is 0) or
  // failed (with the bytes moved) by what `move` returns, which is passed
  // on.
  Status Track(std::string_view digest, std::string_view what, uint64_t total,
               const std::function<Status(const OnBytes&)>& move);

 private:
  void Emit(std::string_view digest, std::string_view what, TransferState state,
            uint64_t done, uint64_t total);

  EventSink* const sink_;
  const TransferKind kind_;
  const std::string ref_;
  TransferThrottle throttle_;
};

}  // namespace zlayer::progress

#endif  // ZLAYER_PROGRESS_TRANSFER_THROTTLE_H_
