#include "progress/json_renderer.h"

#include <string>

#include "base/file_io.h"

namespace zlayer::progress {

namespace {

constexpr std::chrono::milliseconds kRunningInterval{100};

}  // namespace

void JsonRenderer::Emit(const Event& event) {
  auto now = std::chrono::steady_clock::now();
  std::string line =
      EventToJson(event, std::chrono::system_clock::now()) + "\n";
  std::lock_guard lock(mu_);
  if (broken_) return;
  if (const auto* transfer = std::get_if<TransferProgress>(&event)) {
    std::string key = std::string(TransferKindName(transfer->kind)) + " " +
                      transfer->ref + " " + transfer->digest;
    if (transfer->state == TransferState::kRunning) {
      auto [it, inserted] = transfers_.try_emplace(key, now);
      if (!inserted) {
        if (now - it->second < kRunningInterval) return;
        it->second = now;
      }
    } else if (transfer->state == TransferState::kStarted) {
      transfers_[key] = now;
    } else {
      transfers_.erase(key);
    }
  }
  // Nowhere to report a failed write; stop instead of failing per event.
  if (!base::WriteAll(fd_, line)) broken_ = true;
}

}  // namespace zlayer::progress
