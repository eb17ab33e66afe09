#include "progress/plain_renderer.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/file_io.h"
#include "progress/test_support.h"

namespace zlayer::progress {
namespace {

using std::chrono::milliseconds;
using testing::Capture;

// Two stages, the second copying from the first, with a cache hit, a miss
// with a reason, output on both streams and a metadata step.
std::vector<Event> ScriptedBuild() {
  return {
      BuildStarted{.build_id = "b1",
                   .file = "Dockerfile",
                   .total_stages = 2,
                   .total_steps = 4},
      StageStarted{.stage = 0, .name = "build", .base = "alpine", .steps = 2},
      InstructionStarted{.stage = 0, .step = 0, .text = "COPY . /src"},
      InstructionComplete{.stage = 0, .step = 0, .cached = true},
      InstructionStarted{.stage = 0, .step = 1, .text = "RUN make"},
      OutputLine{.stage = 0, .step = 1, .line = "cc -o app main.c"},
      OutputLine{.stage = 0,
                 .step = 1,
                 .stream = Stream::kStderr,
                 .line = "main.c:1: warning\r"},
      InstructionComplete{.stage = 0,
                          .step = 1,
                          .duration = milliseconds(1234),
                          .cache_miss_reason = "file main.c changed"},
      StageComplete{.stage = 0, .duration = milliseconds(1300)},
      StageStarted{.stage = 1, .name = "", .base = "scratch", .steps = 2},
      InstructionStarted{
          .stage = 1, .step = 0, .text = "COPY --from=build /src/app /app"},
      InstructionComplete{.stage = 1, .step = 0, .duration = milliseconds(20)},
      InstructionStarted{.stage = 1, .step = 1, .text = "ENV A=1"},
      InstructionComplete{.stage = 1, .step = 1},
      StageComplete{.stage = 1, .duration = milliseconds(60)},
      BuildComplete{.image_id = "sha256:0123abcd",
                    .tags = {"app:latest", "app:1"},
                    .duration = milliseconds(3400)},
  };
}

std::string Render(const std::vector<Event>& events) {
  auto capture = Capture::Pipe();
  PlainRenderer renderer(capture.fd());
  for (const Event& event : events) renderer.Emit(event);
  return capture.Finish();
}

TEST(PlainRendererTest, ScriptedBuild) {
  EXPECT_EQ(Render(ScriptedBuild()),
            "building Dockerfile: 2 stages, 4 steps\n"
            "\n"
            "#0 [build] FROM alpine\n"
            "\n"
            "#0.1 [build 1/2] COPY . /src\n"
            "#0.1 CACHED\n"
            "\n"
            "#0.2 [build 2/2] RUN make\n"
            "#0.2 cc -o app main.c\n"
            "#0.2 main.c:1: warning\n"
            "#0.2 cache miss: file main.c changed\n"
            "#0.2 DONE 1.2s\n"
            "\n"
            "#0 DONE 1.3s\n"
            "\n"
            "#1 [stage-1] FROM scratch\n"
            "\n"
            "#1.1 [stage-1 1/2] COPY --from=build /src/app /app\n"
            "#1.1 DONE 0.0s\n"
            "\n"
            "#1.2 [stage-1 2/2] ENV A=1\n"
            "#1.2 DONE 0.0s\n"
            "\n"
            "#1 DONE 0.1s\n"
            "\n"
            "naming to app:latest\n"
            "naming to app:1\n"
            "build complete sha256:0123abcd 3.4s\n");
}

TEST(PlainRendererTest, LoneUnnamedStageHasNoName) {
  std::string out = Render({
      BuildStarted{.file = "-", .total_stages = 1, .total_steps = 1},
      StageStarted{.stage = 0, .base = "busybox", .steps = 1},
      InstructionStarted{.stage = 0, .step = 0, .text = "RUN true"},
      InstructionComplete{.stage = 0, .step = 0, .duration = milliseconds(50)},
  });
  EXPECT_EQ(out,
            "building -: 1 stage, 1 step\n"
            "\n"
            "#0 FROM busybox\n"
            "\n"
            "#0.1 [1/1] RUN true\n"
            "#0.1 DONE 0.1s\n");
}

TEST(PlainRendererTest, FailureMarksRunningStepsAndPrintsTheError) {
  std::string out = Render({
      BuildStarted{.total_stages = 2, .total_steps = 2},
      StageStarted{.stage = 0, .name = "a", .base = "x", .steps = 1},
      StageStarted{.stage = 1, .name = "b", .base = "y", .steps = 1},
      InstructionStarted{.stage = 0, .step = 0, .text = "RUN false"},
      InstructionStarted{.stage = 1, .step = 0, .text = "RUN sleep 9"},
      OutputLine{.stage = 0, .step = 0, .line = "oops"},
      BuildFailed{.error = "Dockerfile:3: RUN false: exit status 1"},
  });
  EXPECT_NE(out.find("#0.1 oops\n#0.1 ERROR\n\n#1.1 ERROR\n\n"
                     "build failed: Dockerfile:3: RUN false: exit status 1\n"),
            std::string::npos)
      << out;
}

TEST(PlainRendererTest, NamedFailureCancelsTheOthers) {
  std::string out = Render({
      InstructionStarted{.stage = 0, .step = 0, .text = "RUN false"},
      InstructionStarted{.stage = 1, .step = 2, .text = "RUN sleep 9"},
      BuildFailed{.error = "boom", .stage = 0, .step = 0},
  });
  EXPECT_NE(out.find("#0.1 ERROR\n"), std::string::npos) << out;
  EXPECT_NE(out.find("#1.3 CANCELED\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("build failed: boom\n")) << out;
}

TEST(PlainRendererTest, WritesToAMemfd) {
  base::UniqueFd fd(::memfd_create("plain", MFD_CLOEXEC));
  ASSERT_TRUE(fd);
  {
    PlainRenderer renderer(fd.get());
    renderer.Emit(BuildFailed{.error = "no such stage"});
  }
  ASSERT_EQ(::lseek(fd.get(), 0, SEEK_SET), 0);
  auto text = base::ReadAll(fd.get());
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "build failed: no such stage\n");
}

TEST(PlainRendererTest, ConcurrentStagesKeepLinesWhole) {
  constexpr int kThreads = 4;
  constexpr int kLines = 500;
  auto capture = Capture::Pipe();
  {
    PlainRenderer renderer(capture.fd());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&renderer, t] {
        renderer.Emit(InstructionStarted{.stage = t, .step = 0, .text = "RUN"});
        for (int i = 0; i < kLines; ++i) {
          renderer.Emit(OutputLine{.stage = t,
                                   .step = 0,
                                   .line = "line " + std::to_string(i) + " " +
                                           std::string(200, 'a' + t)});
        }
        renderer.Emit(InstructionComplete{.stage = t, .step = 0});
      });
    }
    for (auto& thread : threads) thread.join();
  }
  std::istringstream in(capture.Finish());
  std::regex output(R"(#([0-3])\.1 line (\d+) ([a-d]+))");
  std::vector<int> next(kThreads, 0);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.ends_with("RUN") || line.ends_with("DONE 0.0s")) {
      continue;
    }
    std::smatch match;
    ASSERT_TRUE(std::regex_match(line, match, output)) << line;
    int t = std::stoi(match[1]);
    EXPECT_EQ(match[3].str()[0], 'a' + t) << line;
    // Each stage's lines arrive in order, none lost.
    EXPECT_EQ(std::stoi(match[2]), next[t]++) << line;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kLines);
}

}  // namespace
}  // namespace zlayer::progress

namespace zlayer::progress {
namespace {

const std::string kLayer = "sha256:abcdef012345" + std::string(52, '6');
const std::string kConfig = "sha256:0123456789ab" + std::string(52, 'c');

TransferProgress Push(const std::string& digest, TransferState state,
                      uint64_t done, uint64_t total,
                      const std::string& what = "layer") {
  return TransferProgress{.kind = TransferKind::kPush,
                          .ref = "127.0.0.1:5000/app:v1",
                          .digest = digest,
                          .what = what,
                          .state = state,
                          .done = done,
                          .total = total};
}

TEST(PlainRendererTest, TransferPrintsStartQuartersAndEnd) {
  constexpr uint64_t kTotal = 40'000'000;
  std::vector<Event> events = {
      Push(kLayer, TransferState::kStarted, 0, kTotal),
      Push(kLayer, TransferState::kRunning, 2'000'000, kTotal),
      Push(kLayer, TransferState::kRunning, 8'000'000, kTotal),
      Push(kLayer, TransferState::kRunning, 10'400'000, kTotal),
      Push(kLayer, TransferState::kRunning, 12'000'000, kTotal),
      Push(kLayer, TransferState::kRunning, 20'400'000, kTotal),
      Push(kLayer, TransferState::kRunning, 32'000'000, kTotal),
      Push(kLayer, TransferState::kRunning, 39'000'000, kTotal),
      Push(kLayer, TransferState::kRunning, kTotal, kTotal),
      Push(kLayer, TransferState::kDone, kTotal, kTotal),
  };
  const std::string head =
      "push 127.0.0.1:5000/app:v1 layer sha256:abcdef012345";
  EXPECT_EQ(Render(events), head + " started 40MB\n" +     //
                                head + " 10.4MB/40MB\n" +  //
                                head + " 20.4MB/40MB\n" +  //
                                head + " 32MB/40MB\n" +    //
                                head + " 40MB done\n");
}

TEST(PlainRendererTest, TransferEndStatesAndUnknownTotals) {
  std::vector<Event> events = {
      Push(kConfig, TransferState::kStarted, 0, 1500, "config"),
      Push(kConfig, TransferState::kExists, 1500, 1500, "config"),
      Push(kLayer, TransferState::kStarted, 0, 0),
      // Without a total there are no quarters to report.
      Push(kLayer, TransferState::kRunning, 1000, 0),
      Push(kLayer, TransferState::kRunning, 9000, 0),
      Push(kLayer, TransferState::kFailed, 9000, 0),
      Push("sha256:ffff", TransferState::kMounted, 10, 10),
  };
  const std::string head = "push 127.0.0.1:5000/app:v1 ";
  EXPECT_EQ(Render(events),
            head + "config sha256:0123456789ab started 1.5kB\n" +  //
                head + "config sha256:0123456789ab exists\n" +     //
                head + "layer sha256:abcdef012345 started\n" +     //
                head + "layer sha256:abcdef012345 failed\n" +      //
                head + "layer sha256:ffff mounted\n");
}

TEST(PlainRendererTest, TransfersOfAPulledBaseComeBeforeTheSteps) {
  std::vector<Event> events = {
      BuildStarted{.file = "Dockerfile", .total_stages = 1, .total_steps = 1},
      StageStarted{.base = "alpine", .steps = 1},
      TransferProgress{.ref = "docker.io/library/alpine:latest",
                       .digest = kLayer,
                       .what = "layer",
                       .state = TransferState::kStarted,
                       .total = 3'400'000},
      TransferProgress{.ref = "docker.io/library/alpine:latest",
                       .digest = kLayer,
                       .what = "layer",
                       .state = TransferState::kDone,
                       .done = 3'400'000,
                       .total = 3'400'000},
      InstructionStarted{.text = "RUN true"},
  };
  EXPECT_EQ(Render(events),
            "building Dockerfile: 1 stage, 1 step\n"
            "\n"
            "#0 FROM alpine\n"
            "\n"
            "pull docker.io/library/alpine:latest layer sha256:abcdef012345 "
            "started 3.4MB\n"
            "pull docker.io/library/alpine:latest layer sha256:abcdef012345 "
            "3.4MB done\n"
            "\n"
            "#0.1 [1/1] RUN true\n");
}

}  // namespace
}  // namespace zlayer::progress
