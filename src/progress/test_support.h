// Helpers for the progress tests: capture what a renderer writes to a
// pipe or pseudo-terminal, and replay terminal output on a tiny screen
// model to see what a user would see.
#ifndef ZLAYER_PROGRESS_TEST_SUPPORT_H_
#define ZLAYER_PROGRESS_TEST_SUPPORT_H_

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.h"

namespace zlayer::progress::testing {

// Drains a read end on a thread so that a writer never blocks on a full
// pipe or pty buffer.
class Capture {
 public:
  // A pipe; write to fd().
  static Capture Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
    return Capture(base::UniqueFd(fds[0]), base::UniqueFd(fds[1]));
  }

  // A pseudo-terminal of the given size in raw mode (no newline
  // translation); write to fd(), which is a tty.
  static Capture Pty(unsigned short columns, unsigned short rows) {
    base::UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master || ::grantpt(master.get()) != 0 ||
        ::unlockpt(master.get()) != 0) {
      std::abort();
    }
    base::UniqueFd slave(
        ::open(::ptsname(master.get()), O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) std::abort();
    struct termios tio {};
    ::tcgetattr(slave.get(), &tio);
    ::cfmakeraw(&tio);
    ::tcsetattr(slave.get(), TCSANOW, &tio);
    struct winsize ws {};
    ws.ws_col = columns;
    ws.ws_row = rows;
    ::ioctl(slave.get(), TIOCSWINSZ, &ws);
    return Capture(std::move(master), std::move(slave));
  }

  Capture(Capture&& other) = delete;
  ~Capture() { Finish(); }

  int fd() const { return write_.get(); }

  // What was read so far.
  std::string Snapshot() const {
    std::lock_guard lock(mu_);
    return data_;
  }

  // Waits up to `timeout` for `predicate` of the data read so far.
  bool WaitFor(const std::function<bool(const std::string&)>& predicate,
               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (predicate(Snapshot())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return predicate(Snapshot());
  }

  // Closes the write end and returns everything written.
  std::string Finish() {
    if (reader_.joinable()) {
      write_.reset();
      reader_.join();
    }
    return Snapshot();
  }

 private:
  Capture(base::UniqueFd read, base::UniqueFd write)
      : read_(std::move(read)), write_(std::move(write)) {
    reader_ = std::thread([this] {
      char buf[65536];
      for (;;) {
        ssize_t n = ::read(read_.get(), buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        // A pty master reads EIO once the slave is closed.
        if (n <= 0) break;
        std::lock_guard lock(mu_);
        data_.append(buf, static_cast<size_t>(n));
      }
    });
  }

  base::UniqueFd read_;
  base::UniqueFd write_;
  mutable std::mutex mu_;
  std::string data_;
  std::thread reader_;
};

// Replays the subset of ANSI the tty renderer uses (CR, LF, cursor up,
// erase line, erase below) on an unbounded screen.
class Screen {
 public:
  explicit Screen(const std::string& output) {
    lines_.emplace_back();
    for (size_t i = 0; i < output.size(); ++i) {
      char c = output[i];
      if (c == '\r') {
        column_ = 0;
      } else if (c == '\n') {
        ++row_;
        column_ = 0;
        if (row_ == lines_.size()) lines_.emplace_back();
      } else if (c == '\x1b' && i + 1 < output.size() && output[i + 1] == '[') {
        size_t j = i + 2;
        int n = 0;
        bool has_n = false;
        while (j < output.size() && output[j] >= '0' && output[j] <= '9') {
          n = n * 10 + (output[j] - '0');
          has_n = true;
          ++j;
        }
        if (j >= output.size()) break;
        Control(output[j], has_n ? n : 1);
        i = j;
      } else {
        Put(c);
      }
    }
    while (!lines_.empty() && lines_.back().empty()) lines_.pop_back();
  }

  const std::vector<std::string>& lines() const { return lines_; }
  // The largest cursor-up seen: the tallest frame that was redrawn.
  int max_up() const { return max_up_; }
  bool cursor_left_screen() const { return cursor_left_screen_; }

  std::string Text() const {
    std::string text;
    for (const std::string& line : lines_) text += line + "\n";
    return text;
  }

  int CountLinesContaining(const std::string& needle) const {
    int count = 0;
    for (const std::string& line : lines_) {
      if (line.find(needle) != std::string::npos) ++count;
    }
    return count;
  }

 private:
  void Control(char command, int n) {
    switch (command) {
      case 'A':
        if (static_cast<size_t>(n) > row_) cursor_left_screen_ = true;
        row_ = static_cast<size_t>(n) > row_ ? 0 : row_ - n;
        if (n > max_up_) max_up_ = n;
        break;
      case 'K':
        if (column_ < lines_[row_].size()) lines_[row_].resize(column_);
        break;
      case 'J':
        if (column_ < lines_[row_].size()) lines_[row_].resize(column_);
        lines_.resize(row_ + 1);
        break;
      default:
        break;
    }
  }

  // Bytes, not columns: enough for the ASCII the tests draw.
  void Put(char c) {
    std::string& line = lines_[row_];
    if (column_ < line.size()) {
      line[column_] = c;
    } else {
      line.append(column_ - line.size(), ' ');
      line += c;
    }
    ++column_;
  }

  std::vector<std::string> lines_;
  size_t row_ = 0;
  size_t column_ = 0;
  int max_up_ = 0;
  bool cursor_left_screen_ = false;
};

}  // namespace zlayer::progress::testing

#endif  // ZLAYER_PROGRESS_TEST_SUPPORT_H_
