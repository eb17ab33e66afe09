#include "progress/tty_renderer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/log.h"
#include "progress/test_support.h"

namespace zlayer::progress {
namespace {

using std::chrono::milliseconds;
using testing::Capture;
using testing::Screen;

const TtyOptions kQuiet{.capture_logs = false};

std::vector<Event> ScriptedBuild() {
  return {
      BuildStarted{.build_id = "b1",
                   .file = "Dockerfile",
                   .total_stages = 2,
                   .total_steps = 3},
      StageStarted{.stage = 0, .name = "build", .base = "alpine", .steps = 2},
      InstructionStarted{.stage = 0, .step = 0, .text = "COPY . /src"},
      InstructionComplete{.stage = 0, .step = 0, .cached = true},
      InstructionStarted{.stage = 0, .step = 1, .text = "RUN make"},
      OutputLine{.stage = 0, .step = 1, .line = "cc -o app main.c"},
      InstructionComplete{.stage = 0,
                          .step = 1,
                          .duration = milliseconds(1234),
                          .cache_miss_reason = "file main.c changed"},
      StageComplete{.stage = 0},
      StageStarted{.stage = 1, .name = "", .base = "scratch", .steps = 1},
      InstructionStarted{
          .stage = 1, .step = 0, .text = "COPY --from=build /app /"},
      InstructionComplete{.stage = 1, .step = 0, .duration = milliseconds(20)},
      StageComplete{.stage = 1},
      BuildComplete{.image_id = "sha256:0123abcd", .tags = {"app:latest"}},
  };
}

// True when some line of the screen starts with `prefix` and ends with
// `suffix`.
bool HasLine(const Screen& screen, const std::string& prefix,
             const std::string& suffix = "") {
  for (const std::string& line : screen.lines()) {
    if (line.starts_with(prefix) && line.ends_with(suffix)) return true;
  }
  return false;
}

TEST(TtyRendererTest, FinalFrameSummarizesTheBuild) {
  auto capture = Capture::Pipe();
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    for (const Event& event : ScriptedBuild()) renderer.Emit(event);
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_FALSE(screen.cursor_left_screen());
  ASSERT_FALSE(screen.lines().empty());
  EXPECT_TRUE(screen.lines()[0].starts_with("[+] Building "));
  EXPECT_TRUE(screen.lines()[0].ends_with(" (3/3) FINISHED"));
  EXPECT_TRUE(HasLine(screen, " => [build] FROM alpine", "s"));
  EXPECT_TRUE(HasLine(screen, " => CACHED [build 1/2] COPY . /src  ", "s"));
  EXPECT_TRUE(HasLine(screen, " => [build 2/2] RUN make  ", " 1.2s"));
  EXPECT_TRUE(HasLine(screen, " => => cache miss: file main.c changed"));
  EXPECT_TRUE(HasLine(screen, " => [stage-1] FROM scratch"));
  EXPECT_TRUE(
      HasLine(screen, " => [stage-1 1/1] COPY --from=build /app /  ", " 0.0s"));
  EXPECT_TRUE(HasLine(screen, " => writing image sha256:0123abcd"));
  EXPECT_TRUE(HasLine(screen, " => naming to app:latest"));
  // Finished steps collapse: their output is gone, each step shows once.
  EXPECT_EQ(screen.CountLinesContaining("cc -o app"), 0);
  EXPECT_EQ(screen.CountLinesContaining("RUN make"), 1);
  EXPECT_EQ(screen.lines().size(), 9u);
  // Every line fits the default width of 80 columns.
  for (const std::string& line : screen.lines()) EXPECT_LT(line.size(), 80u);
}

TEST(TtyRendererTest, RunningStepShowsItsLastSixLines) {
  auto capture = Capture::Pipe();
  TtyRenderer renderer(capture.fd(), kQuiet);
  renderer.Emit(BuildStarted{.total_stages = 1, .total_steps = 1});
  renderer.Emit(StageStarted{.base = "debian", .steps = 1});
  renderer.Emit(InstructionStarted{.text = "RUN ./configure"});
  for (int i = 0; i < 10; ++i) {
    renderer.Emit(OutputLine{.line = "\x1b[32mchecking " + std::to_string(i) +
                                     "\x1b[0m"});
  }
  ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
    return Screen(out).CountLinesContaining("checking 9") == 1;
  })) << capture.Snapshot();
  Screen live(capture.Snapshot());
  SCOPED_TRACE(live.Text());
  EXPECT_TRUE(live.lines()[0].starts_with("[+] Building "));
  EXPECT_TRUE(live.lines()[0].ends_with(" (0/1)"));
  EXPECT_TRUE(HasLine(live, " => [1/1] RUN ./configure  ", "s"));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(
        live.CountLinesContaining(" => => # checking " + std::to_string(i)),
        i >= 4 ? 1 : 0)
        << i;
  }
  // Colours from the step's output never reach the terminal.
  EXPECT_EQ(capture.Snapshot().find("\x1b[32m"), std::string::npos);
}

TEST(TtyRendererTest, VerboseKeepsEveryLine) {
  auto capture = Capture::Pipe();
  TtyOptions options = kQuiet;
  options.verbose = true;
  TtyRenderer renderer(capture.fd(), options);
  renderer.Emit(InstructionStarted{.text = "RUN make"});
  for (int i = 0; i < 10; ++i) {
    renderer.Emit(OutputLine{.line = "line " + std::to_string(i)});
  }
  ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
    Screen screen(out);
    for (int i = 0; i < 10; ++i) {
      if (screen.CountLinesContaining("# line " + std::to_string(i)) != 1) {
        return false;
      }
    }
    return true;
  })) << Screen(capture.Snapshot()).Text();
}

TEST(TtyRendererTest, FailureKeepsTheFailedStepsOutput) {
  auto capture = Capture::Pipe();
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    renderer.Emit(BuildStarted{.total_stages = 2, .total_steps = 2});
    renderer.Emit(
        StageStarted{.stage = 0, .name = "a", .base = "x", .steps = 1});
    renderer.Emit(
        StageStarted{.stage = 1, .name = "b", .base = "y", .steps = 1});
    renderer.Emit(
        InstructionStarted{.stage = 0, .step = 0, .text = "RUN false"});
    renderer.Emit(
        InstructionStarted{.stage = 1, .step = 0, .text = "RUN sleep 9"});
    for (int i = 0; i < 8; ++i) {
      renderer.Emit(OutputLine{
          .stage = 0, .step = 0, .line = "err " + std::to_string(i)});
    }
    renderer.Emit(OutputLine{.stage = 1, .step = 0, .line = "sleeping"});
    renderer.Emit(
        BuildFailed{.error = "RUN false: exit 1", .stage = 0, .step = 0});
    // Events after the end change nothing.
    renderer.Emit(OutputLine{.stage = 0, .step = 0, .line = "late"});
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_TRUE(screen.lines()[0].ends_with(" (0/2) FAILED"));
  EXPECT_TRUE(HasLine(screen, " => ERROR [a 1/1] RUN false  ", "s"));
  EXPECT_TRUE(HasLine(screen, " => CANCELED [b 1/1] RUN sleep 9  ", "s"));
  EXPECT_EQ(screen.CountLinesContaining("# err 1"), 0);
  for (int i = 2; i < 8; ++i) {
    EXPECT_EQ(screen.CountLinesContaining("# err " + std::to_string(i)), 1);
  }
  EXPECT_EQ(screen.CountLinesContaining("sleeping"), 0);
  EXPECT_EQ(screen.CountLinesContaining("late"), 0);
}

TEST(TtyRendererTest, LinesAreCutToTheTerminalWidth) {
  auto capture = Capture::Pty(40, 30);
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    renderer.Emit(InstructionStarted{.text = "RUN " + std::string(100, 'x')});
    renderer.Emit(OutputLine{.line = std::string(100, 'y')});
    ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
      return Screen(out).CountLinesContaining("# yyy") == 1;
    }));
    renderer.Emit(InstructionComplete{.duration = milliseconds(1500)});
    renderer.Emit(BuildComplete{.image_id = "sha256:" + std::string(64, 'f')});
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_FALSE(screen.cursor_left_screen());
  for (const std::string& line : screen.lines()) EXPECT_LE(line.size(), 39u);
  // The time stays visible at the right edge.
  EXPECT_TRUE(HasLine(screen, " => [stage-0 1] RUN xxx", "xx 1.5s"));
}

TEST(TtyRendererTest, LiveFrameFitsTheTerminalHeight) {
  auto capture = Capture::Pty(80, 10);
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    renderer.Emit(BuildStarted{.total_stages = 1, .total_steps = 21});
    renderer.Emit(StageStarted{.name = "big", .base = "debian", .steps = 21});
    for (int i = 0; i < 20; ++i) {
      renderer.Emit(InstructionStarted{.step = i,
                                       .text = "RUN step" + std::to_string(i)});
      renderer.Emit(InstructionComplete{.step = i});
    }
    renderer.Emit(InstructionStarted{.step = 20, .text = "RUN last"});
    for (int i = 0; i < 6; ++i) {
      renderer.Emit(OutputLine{.step = 20, .line = "out " + std::to_string(i)});
    }
    // Two redraws, so that one moved the cursor over a full frame.
    ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
      Screen screen(out);
      return screen.CountLinesContaining("# out 5") == 1 && screen.max_up() > 0;
    }));
    Screen live(capture.Snapshot());
    SCOPED_TRACE(live.Text());
    // The running step and its output win over finished steps.
    EXPECT_TRUE(HasLine(live, " => [big 21/21] RUN last"));
    EXPECT_EQ(live.CountLinesContaining("RUN step0 "), 0);
    renderer.Emit(InstructionComplete{.step = 20});
    renderer.Emit(BuildComplete{.image_id = "sha256:1"});
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_FALSE(screen.cursor_left_screen());
  EXPECT_LE(screen.max_up(), 9);
  // The final frame lists every step.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(screen.CountLinesContaining("RUN step" + std::to_string(i) + " "),
              1)
        << i;
  }
  EXPECT_TRUE(screen.lines()[0].ends_with("(21/21) FINISHED"));
}

TEST(TtyRendererTest, ConcurrentEmitFromFourThreads) {
  constexpr int kThreads = 4;
  constexpr int kSteps = 5;
  auto capture = Capture::Pty(100, 50);
  {
    TtyOptions options = kQuiet;
    options.interval = milliseconds(5);  // many redraws while emitting
    TtyRenderer renderer(capture.fd(), options);
    renderer.Emit(BuildStarted{.total_stages = kThreads,
                               .total_steps = kThreads * kSteps});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&renderer, t] {
        renderer.Emit(StageStarted{.stage = t,
                                   .name = "s" + std::to_string(t),
                                   .base = "scratch",
                                   .steps = kSteps});
        for (int step = 0; step < kSteps; ++step) {
          renderer.Emit(
              InstructionStarted{.stage = t, .step = step, .text = "RUN work"});
          for (int i = 0; i < 200; ++i) {
            renderer.Emit(OutputLine{.stage = t,
                                     .step = step,
                                     .line = "output " + std::to_string(i)});
            if (i % 50 == 0) std::this_thread::sleep_for(milliseconds(2));
          }
          renderer.Emit(InstructionComplete{
              .stage = t, .step = step, .cached = step % 2 == 1});
        }
        renderer.Emit(StageComplete{.stage = t});
      });
    }
    for (auto& thread : threads) thread.join();
    // The view was redrawn while the threads emitted.
    EXPECT_GE(renderer.frames(), 3);
    renderer.Emit(BuildComplete{.image_id = "sha256:2"});
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_FALSE(screen.cursor_left_screen());
  EXPECT_TRUE(screen.lines()[0].ends_with("(20/20) FINISHED"));
  for (int t = 0; t < kThreads; ++t) {
    for (int step = 0; step < kSteps; ++step) {
      std::string label = "[s" + std::to_string(t) + " " +
                          std::to_string(step + 1) + "/5] RUN work";
      EXPECT_EQ(screen.CountLinesContaining(label), 1) << label;
      EXPECT_TRUE(HasLine(
          screen, step % 2 == 1 ? " => CACHED " + label : " => " + label));
    }
  }
  EXPECT_EQ(screen.CountLinesContaining("# output"), 0);
}

TEST(TtyRendererTest, RedrawsAreRateLimited) {
  auto capture = Capture::Pipe();
  TtyRenderer renderer(capture.fd(), kQuiet);  // 100 ms
  renderer.Emit(InstructionStarted{.text = "RUN chatty"});
  auto start = std::chrono::steady_clock::now();
  int emitted = 0;
  while (std::chrono::steady_clock::now() - start < milliseconds(600)) {
    renderer.Emit(OutputLine{.line = "tick " + std::to_string(emitted++)});
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  int frames = renderer.frames();
  EXPECT_GT(emitted, 500);
  EXPECT_GE(frames, 3);
  EXPECT_LE(frames, 8);
}

TEST(TtyRendererTest, DestroyedMidBuildLeavesTheLastStateAndJoins) {
  auto capture = Capture::Pipe();
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    renderer.Emit(InstructionStarted{.text = "RUN sleep 100"});
  }
  Screen screen(capture.Finish());
  EXPECT_TRUE(HasLine(screen, " => [stage-0 1] RUN sleep 100", "s"))
      << screen.Text();
  EXPECT_FALSE(screen.lines()[0].ends_with("FINISHED"));
}

TEST(TtyRendererTest, DrawsNothingWithoutEvents) {
  auto capture = Capture::Pipe();
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    std::this_thread::sleep_for(milliseconds(250));
    EXPECT_EQ(renderer.frames(), 0);
  }
  EXPECT_EQ(capture.Finish(), "");
}

TEST(TtyRendererTest, LogMessagesPrintAboveTheView) {
  auto capture = Capture::Pipe();
  {
    TtyRenderer renderer(capture.fd(), TtyOptions{});
    renderer.Emit(InstructionStarted{.text = "RUN make"});
    ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
      return Screen(out).CountLinesContaining("RUN make") == 1;
    }));
    base::LogWarn("disk {} full", "almost");
    renderer.Emit(InstructionComplete{});
    renderer.Emit(BuildComplete{.image_id = "sha256:3"});
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  ASSERT_GE(screen.lines().size(), 2u);
  EXPECT_EQ(screen.lines()[0], "zlayer: warn: disk almost full");
  EXPECT_EQ(screen.CountLinesContaining("disk almost full"), 1);
  EXPECT_TRUE(screen.lines()[1].starts_with("[+] Building "));
  EXPECT_EQ(screen.CountLinesContaining("RUN make"), 1);
}

const std::string kRef = "127.0.0.1:5000/app:v1";
const std::string kLayer = "sha256:abcdef012345" + std::string(52, '6');
const std::string kOther = "sha256:bbbbbbbbbbbb" + std::string(52, 'b');
const std::string kManifest = "sha256:0123456789ab" + std::string(52, 'c');

TransferProgress Pull(const std::string& digest, const std::string& what,
                      TransferState state, uint64_t done, uint64_t total) {
  return TransferProgress{.kind = TransferKind::kPull,
                          .ref = kRef,
                          .digest = digest,
                          .what = what,
                          .state = state,
                          .done = done,
                          .total = total};
}

// The manifest fetched, one layer the store has, one on its way.
std::vector<Event> PullUnderWay() {
  return {
      Pull(kManifest, "manifest", TransferState::kStarted, 0, 1600),
      Pull(kManifest, "manifest", TransferState::kDone, 1600, 1600),
      Pull(kOther, "layer", TransferState::kStarted, 0, 700),
      Pull(kOther, "layer", TransferState::kExists, 700, 700),
      Pull(kLayer, "layer", TransferState::kStarted, 0, 40'000'000),
      Pull(kLayer, "layer", TransferState::kRunning, 12'300'000, 40'000'000),
  };
}

TEST(TtyRendererTest, PullShowsABarPerActiveBlobThenCollapses) {
  auto capture = Capture::Pty(80, 30);
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    for (const Event& event : PullUnderWay()) renderer.Emit(event);
    ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
      return Screen(out).CountLinesContaining("12.3MB/40MB") == 1;
    })) << capture.Snapshot();
    Screen live(capture.Snapshot());
    SCOPED_TRACE(live.Text());
    EXPECT_FALSE(live.cursor_left_screen());
    EXPECT_TRUE(live.lines()[0].starts_with("[+] Pulling "));
    EXPECT_TRUE(live.lines()[0].ends_with(" (2/3)"));
    EXPECT_TRUE(HasLine(live, " => pull " + kRef + "  ", "s"));
    EXPECT_TRUE(
        HasLine(live, " => => manifest sha256:0123456789ab done 1.6kB"));
    EXPECT_TRUE(HasLine(live, " => => layer sha256:bbbbbbbbbbbb exists"));
    // 12.3 of 40 MB is 30% of the bar's 20 inner columns.
    EXPECT_TRUE(HasLine(live,
                        " => => layer sha256:abcdef012345 "
                        "[======>             ] 12.3MB/40MB"));
    renderer.Emit(
        Pull(kLayer, "layer", TransferState::kDone, 40'000'000, 40'000'000));
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_FALSE(screen.cursor_left_screen());
  EXPECT_TRUE(screen.lines()[0].ends_with(" (3/3) FINISHED"));
  EXPECT_TRUE(HasLine(screen, " => => layer sha256:abcdef012345 done 40MB"));
  EXPECT_EQ(screen.CountLinesContaining("[="), 0);
  EXPECT_EQ(screen.CountLinesContaining("sha256:abcdef012345"), 1);
}

TEST(TtyRendererTest, FailedTransferEndsTheViewAsFailed) {
  auto capture = Capture::Pipe();
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    for (const Event& event : PullUnderWay()) renderer.Emit(event);
    renderer.Emit(
        Pull(kLayer, "layer", TransferState::kFailed, 12'300'000, 40'000'000));
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_TRUE(screen.lines()[0].ends_with(" (3/3) FAILED"));
  EXPECT_TRUE(HasLine(screen, " => ERROR pull " + kRef));
  EXPECT_TRUE(HasLine(screen, " => => layer sha256:abcdef012345 failed"));
}

TEST(TtyRendererTest, ABuildShowsThePullOfItsBaseBeforeTheSteps) {
  auto capture = Capture::Pty(80, 30);
  {
    TtyRenderer renderer(capture.fd(), kQuiet);
    renderer.Emit(BuildStarted{.total_stages = 1, .total_steps = 1});
    renderer.Emit(StageStarted{.base = kRef, .steps = 1});
    for (const Event& event : PullUnderWay()) renderer.Emit(event);
    ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
      return Screen(out).CountLinesContaining("12.3MB/40MB") == 1;
    })) << capture.Snapshot();
    EXPECT_TRUE(Screen(capture.Snapshot()).lines()[0].ends_with(" (0/1)"));
    renderer.Emit(
        Pull(kLayer, "layer", TransferState::kDone, 40'000'000, 40'000'000));
    renderer.Emit(InstructionStarted{.text = "RUN make"});
    renderer.Emit(InstructionComplete{.duration = milliseconds(300)});
    renderer.Emit(BuildComplete{.image_id = "sha256:4"});
  }
  Screen screen(capture.Finish());
  SCOPED_TRACE(screen.Text());
  EXPECT_FALSE(screen.cursor_left_screen());
  const auto& lines = screen.lines();
  EXPECT_TRUE(lines[0].starts_with("[+] Building "));
  EXPECT_TRUE(lines[0].ends_with(" (1/1) FINISHED"));
  auto row = [&](const std::string& needle) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find(needle) != std::string::npos) return i;
    }
    return lines.size();
  };
  EXPECT_LT(row("FROM " + kRef), row("=> pull " + kRef));
  EXPECT_LT(row("=> pull " + kRef), row("layer sha256:abcdef012345 done"));
  EXPECT_LT(row("layer sha256:abcdef012345 done"), row("RUN make"));
  EXPECT_LT(row("RUN make"), lines.size());
}

TEST(TtyRendererTest, TransferLinesFitANarrowTerminal) {
  // 60 columns leave room for a shorter bar, 45 for none; the amount stays.
  const std::pair<unsigned short, std::string> cases[] = {
      {60, " => => layer sha256:abcdef012345 [===>        ] 12.3MB/40MB"},
      {45, " => => layer sha256:abcdef012345 12.3MB/40MB"},
  };
  for (const auto& [columns, expected] : cases) {
    SCOPED_TRACE(columns);
    auto capture = Capture::Pty(columns, 20);
    {
      TtyRenderer renderer(capture.fd(), kQuiet);
      for (const Event& event : PullUnderWay()) renderer.Emit(event);
      ASSERT_TRUE(capture.WaitFor([](const std::string& out) {
        return Screen(out).CountLinesContaining("12.3MB/40MB") == 1;
      })) << capture.Snapshot();
    }
    Screen screen(capture.Finish());
    SCOPED_TRACE(screen.Text());
    EXPECT_FALSE(screen.cursor_left_screen());
    for (const std::string& line : screen.lines()) {
      EXPECT_LT(line.size(), columns);
    }
    EXPECT_TRUE(HasLine(screen, expected, "MB"));
  }
}

}  // namespace
}  // namespace zlayer::progress
