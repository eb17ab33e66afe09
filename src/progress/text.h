// Text helpers shared by the renderers (internal to the module).
#ifndef ZLAYER_PROGRESS_TEXT_H_
#define ZLAYER_PROGRESS_TEXT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zlayer::progress {

// BuildKit's "%.1fs": "0.0s", "1.2s", "75.3s".
std::string FormatSeconds(std::chrono::nanoseconds duration);

// The bracketed name of a stage ("build", or "stage-1" for an unnamed
// stage) and of a step within it ("build 2/3"). A lone unnamed stage has
// no name, as in BuildKit's "[2/3]".
std::string StageName(int stage, std::string_view name, int total_stages);
std::string StepName(std::string_view stage_name, int step, int steps);

// "sha256:abcdef012345": the algorithm and the first 12 hex digits, as
// `docker images` shortens ids. Anything else comes back unchanged.
std::string ShortDigest(std::string_view digest);

// How a transfer line names its blob: "layer sha256:abcdef012345".
std::string TransferLabel(std::string_view what, std::string_view digest);

// Bytes moved so far in Docker's units: "12.3MB/40MB", or "12.3MB" when
// the total is unknown (0).
std::string TransferAmount(uint64_t done, uint64_t total);

// A bar `width` columns wide, brackets included, in Docker's style:
// "[=====>     ]"; empty when the total is unknown or width < 3.
std::string ProgressBar(uint64_t done, uint64_t total, std::size_t width);

// Makes a line safe to draw inside a redrawn terminal region: what a
// carriage return overwrote is dropped (progress bars), escape sequences
// and other control characters are removed, tabs expand to spaces and
// malformed UTF-8 becomes U+FFFD.
std::string SanitizeForTerminal(std::string_view line);

// Terminal columns a code point takes: 0 (combining), 1 or 2 (East Asian
// wide and emoji).
int RuneColumns(char32_t rune);

// Columns of sanitized text.
std::size_t Columns(std::string_view text);

// The longest prefix of sanitized text that fits in `columns`.
std::string_view TruncateColumns(std::string_view text, std::size_t columns);

}  // namespace zlayer::progress

#endif  // ZLAYER_PROGRESS_TEXT_H_
