#include "progress/renderer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "progress/test_support.h"

namespace zlayer::progress {
namespace {

using testing::Capture;

// Sets TERM for one test and restores it.
class ScopedTerm {
 public:
  explicit ScopedTerm(const char* value) {
    if (const char* old = ::getenv("TERM")) old_ = old;
    if (value == nullptr) {
      ::unsetenv("TERM");
    } else {
      ::setenv("TERM", value, 1);
    }
  }
  ~ScopedTerm() {
    if (old_) {
      ::setenv("TERM", old_->c_str(), 1);
    } else {
      ::unsetenv("TERM");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(ParseModeTest, AcceptsTheFourModes) {
  EXPECT_EQ(ParseMode("auto").value(), Mode::kAuto);
  EXPECT_EQ(ParseMode("tty").value(), Mode::kTty);
  EXPECT_EQ(ParseMode("plain").value(), Mode::kPlain);
  EXPECT_EQ(ParseMode("json").value(), Mode::kJson);
}

TEST(ParseModeTest, RejectsAnythingElseAsUsageError) {
  for (std::string bad : {"x", "", "TTY", "rawjson", "plain "}) {
    auto mode = ParseMode(bad);
    ASSERT_FALSE(mode.has_value()) << bad;
    EXPECT_EQ(mode.error().kind(), ErrorKind::kUsage);
    EXPECT_EQ(mode.error().message(), "invalid --progress value \"" + bad +
                                          "\": want auto, tty, plain or json");
  }
}

TEST(ResolveModeTest, ExplicitModesStay) {
  auto pipe = Capture::Pipe();
  EXPECT_EQ(ResolveMode(Mode::kTty, pipe.fd()), Mode::kTty);
  EXPECT_EQ(ResolveMode(Mode::kJson, pipe.fd()), Mode::kJson);
  EXPECT_EQ(ResolveMode(Mode::kPlain, pipe.fd()), Mode::kPlain);
}

TEST(ResolveModeTest, AutoIsTtyOnlyOnAUsableTerminal) {
  ScopedTerm term("xterm-256color");
  auto pipe = Capture::Pipe();
  auto pty = Capture::Pty(80, 24);
  EXPECT_EQ(ResolveMode(Mode::kAuto, pipe.fd()), Mode::kPlain);
  EXPECT_EQ(ResolveMode(Mode::kAuto, pty.fd()), Mode::kTty);
  EXPECT_EQ(ResolveMode(Mode::kAuto, -1), Mode::kPlain);
}

TEST(ResolveModeTest, DumbTerminalGetsPlain) {
  ScopedTerm term("dumb");
  auto pty = Capture::Pty(80, 24);
  EXPECT_EQ(ResolveMode(Mode::kAuto, pty.fd()), Mode::kPlain);
  EXPECT_EQ(ResolveMode(Mode::kTty, pty.fd()), Mode::kTty);
}

TEST(MakeRendererTest, EachModeWritesItsFormat) {
  auto json = Capture::Pipe();
  auto plain = Capture::Pipe();
  auto tty = Capture::Pipe();
  {
    auto json_sink = MakeRenderer(Mode::kJson, json.fd());
    auto plain_sink = MakeRenderer(Mode::kPlain, plain.fd());
    auto tty_sink = MakeRenderer(Mode::kTty, tty.fd());
    // A pipe is no terminal: auto means plain.
    auto auto_sink = MakeRenderer(Mode::kAuto, plain.fd());
    for (EventSink* sink :
         {json_sink.get(), plain_sink.get(), tty_sink.get(), auto_sink.get()}) {
      sink->Emit(InstructionStarted{.stage = 0, .step = 0, .text = "RUN make"});
      sink->Emit(BuildComplete{.image_id = "sha256:feed"});
    }
  }
  std::string json_text = json.Finish();
  auto first = nlohmann::json::parse(json_text.substr(0, json_text.find('\n')));
  EXPECT_EQ(first["type"], "instruction_started");
  std::string plain_text = plain.Finish();
  EXPECT_EQ(plain_text.find("#0.1 [stage-0 1] RUN make\n"), 0u) << plain_text;
  EXPECT_NE(plain_text.find("#0.1 [stage-0 1] RUN make\n", 1),
            std::string::npos)
      << plain_text;
  std::string tty_text = tty.Finish();
  EXPECT_NE(tty_text.find("\x1b[K"), std::string::npos);
  EXPECT_NE(tty_text.find("FINISHED"), std::string::npos) << tty_text;
}

class Recorder : public EventSink {
 public:
  void Emit(const Event& event) override {
    types.push_back(EventTypeName(event));
  }
  std::vector<std::string> types;
};

TEST(TeeSinkTest, ForwardsToEverySinkInOrder) {
  Recorder a;
  Recorder b;
  TeeSink tee({&a, &b});
  tee.Emit(BuildStarted{});
  tee.Emit(BuildFailed{});
  std::vector<std::string> want = {"build_started", "build_failed"};
  EXPECT_EQ(a.types, want);
  EXPECT_EQ(b.types, want);
}

}  // namespace
}  // namespace zlayer::progress
