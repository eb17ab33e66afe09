#include "progress/json_renderer.h"

#include <string>

#include "base/file_io.h"

namespace zlayer::progress {

void JsonRenderer::Emit(const Event& event) {
  std::string line =
      EventToJson(event, std::chrono::system_clock::now()) + "\n";
  std::lock_guard lock(mu_);
  if (broken_) return;
  // Nowhere to report a failed write; stop instead of failing per event.
  if (!base::WriteAll(fd_, line)) broken_ = true;
}

}  // namespace zlayer::progress
