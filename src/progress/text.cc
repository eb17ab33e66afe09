#include "progress/text.h"

#include <cstdio>

#include "base/units.h"
#include "base/utf8.h"

namespace zlayer::progress {

std::string FormatSeconds(std::chrono::nanoseconds duration) {
  char buf[32];
  double seconds = static_cast<double>(duration.count()) / 1e9;
  if (seconds < 0) seconds = 0;
  std::snprintf(buf, sizeof(buf), "%.1fs", seconds);
  return buf;
}

std::string StageName(int stage, std::string_view name, int total_stages) {
  if (!name.empty()) return std::string(name);
  if (total_stages == 1) return "";
  return "stage-" + std::to_string(stage);
}

std::string StepName(std::string_view stage_name, int step, int steps) {
  std::string out(stage_name);
  if (!out.empty()) out += ' ';
  out += std::to_string(step + 1);
  if (steps > 0) {
    out += '/';
    out += std::to_string(steps);
  }
  return out;
}

std::string ShortDigest(std::string_view digest) {
  constexpr std::size_t kHex = 12;
  std::size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return std::string(digest);
  if (digest.size() - colon - 1 <= kHex) return std::string(digest);
  return std::string(digest.substr(0, colon + 1 + kHex));
}

std::string TransferLabel(std::string_view what, std::string_view digest) {
  std::string out(what);
  out += ' ';
  out += ShortDigest(digest);
  return out;
}

std::string TransferAmount(uint64_t done, uint64_t total) {
  std::string out = base::FormatSize(done);
  if (total == 0) return out;
  out += '/';
  out += base::FormatSize(total);
  return out;
}

std::string ProgressBar(uint64_t done, uint64_t total, std::size_t width) {
  if (total == 0 || width < 3) return "";
  std::size_t inner = width - 2;
  uint64_t clamped = done < total ? done : total;
  // In floating point: done * inner overflows for blobs near 2^64 bytes.
  auto filled = static_cast<std::size_t>(static_cast<double>(clamped) /
                                         static_cast<double>(total) *
                                         static_cast<double>(inner));
  if (filled > inner) filled = inner;
  std::string out = "[";
  if (filled == inner) {
    out.append(inner, '=');
  } else {
    out.append(filled, '=');
    out += '>';
    out.append(inner - filled - 1, ' ');
  }
  out += ']';
  return out;
}

namespace {

// Skips an escape sequence starting at text[pos] (an ESC); returns the
// position after it. CSI ("ESC [ ... final") and OSC ("ESC ] ... BEL or
// ST") are what tools print for colours and titles; anything else is ESC
// plus one character.
size_t SkipEscape(std::string_view text, size_t pos) {
  size_t i = pos + 1;
  if (i >= text.size()) return i;
  if (text[i] == '[') {
    for (++i; i < text.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c >= 0x40 && c <= 0x7e) return i + 1;
    }
    return i;
  }
  if (text[i] == ']') {
    for (++i; i < text.size(); ++i) {
      if (text[i] == '\a') return i + 1;
      if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '\\') {
        return i + 2;
      }
    }
    return i;
  }
  return i + 1;
}

}  // namespace

std::string SanitizeForTerminal(std::string_view line) {
  // A trailing carriage return ("text\r\n" split at the newline) erases
  // nothing; an inner one starts the line over.
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (size_t cr = line.rfind('\r'); cr != std::string_view::npos) {
    line.remove_prefix(cr + 1);
  }
  std::string out;
  out.reserve(line.size());
  size_t column = 0;
  for (size_t pos = 0; pos < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[pos]);
    if (c == 0x1b) {
      pos = SkipEscape(line, pos);
      continue;
    }
    if (c == '\t') {
      size_t next = (column / 8 + 1) * 8;
      out.append(next - column, ' ');
      column = next;
      ++pos;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      ++pos;
      continue;
    }
    base::Rune rune = base::DecodeRune(line, pos);
    pos += rune.length;
    // C1 controls act like escapes on some terminals.
    if (rune.value >= 0x80 && rune.value < 0xa0) continue;
    base::AppendRune(out, rune.value);
    column += static_cast<size_t>(RuneColumns(rune.value));
  }
  return out;
}

int RuneColumns(char32_t r) {
  if ((r >= 0x300 && r <= 0x36f) || (r >= 0x200b && r <= 0x200f) ||
      (r >= 0xfe00 && r <= 0xfe0f) || (r >= 0x20d0 && r <= 0x20ff)) {
    return 0;
  }
  if ((r >= 0x1100 && r <= 0x115f) || (r >= 0x2e80 && r <= 0x303e) ||
      (r >= 0x3041 && r <= 0x33ff) || (r >= 0x3400 && r <= 0x4dbf) ||
      (r >= 0x4e00 && r <= 0x9fff) || (r >= 0xa000 && r <= 0xa4cf) ||
      (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) ||
      (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
      (r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1f64f) ||
      (r >= 0x1f680 && r <= 0x1f6ff) || (r >= 0x1f900 && r <= 0x1f9ff) ||
      (r >= 0x1fa70 && r <= 0x1faff) || (r >= 0x20000 && r <= 0x3fffd)) {
    return 2;
  }
  return 1;
}

std::size_t Columns(std::string_view text) {
  size_t columns = 0;
  for (size_t pos = 0; pos < text.size();) {
    base::Rune rune = base::DecodeRune(text, pos);
    pos += rune.length;
    columns += static_cast<size_t>(RuneColumns(rune.value));
  }
  return columns;
}

std::string_view TruncateColumns(std::string_view text, std::size_t columns) {
  size_t used = 0;
  for (size_t pos = 0; pos < text.size();) {
    base::Rune rune = base::DecodeRune(text, pos);
    size_t width = static_cast<size_t>(RuneColumns(rune.value));
    if (used + width > columns) return text.substr(0, pos);
    used += width;
    pos += rune.length;
  }
  return text;
}

}  // namespace zlayer::progress
