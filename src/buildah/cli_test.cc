#include "buildah/cli.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::buildah {
namespace {

// Sets PATH for one test and puts the old value back.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& value) {
    const char* old = std::getenv("PATH");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() {
    if (had_) {
      ::setenv("PATH", old_.c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }

 private:
  bool had_ = false;
  std::string old_;
};

// A fake `buildah` script in a temp dir.
std::string WriteScript(const std::string& dir, const std::string& body) {
  std::string path = dir + "/buildah";
  EXPECT_TRUE(base::WriteFileAtomic(path, "#!/bin/sh\n" + body, 0755));
  ::chmod(path.c_str(), 0755);
  return path;
}

TEST(FindBinaryTest, MissingBuildahNamesTheInstallCommand) {
  auto temp = base::TempDir::Create();
  ASSERT_TRUE(temp);
  ScopedPath path(temp->path());
  auto found = FindBinary();
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().message(),
            "backend buildah: buildah not found (apt-get install buildah)");
  EXPECT_EQ(found.error().kind(), ErrorKind::kNotFound);
}

TEST(FindBinaryTest, FirstExecutableOnPath) {
  auto empty = base::TempDir::Create();
  auto with = base::TempDir::Create();
  ASSERT_TRUE(empty && with);
  // Not executable: skipped.
  ASSERT_TRUE(base::WriteFileAtomic(empty->path() + "/buildah", "", 0644));
  std::string script = WriteScript(with->path(), "exit 0\n");
  ScopedPath path(empty->path() + ":" + with->path());
  auto found = FindBinary();
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(*found, script);
}

TEST(CliTest, FailureNamesTheSubcommandAndBuildahsError) {
  auto temp = base::TempDir::Create();
  ASSERT_TRUE(temp);
  std::string script =
      WriteScript(temp->path(),
                  "echo 'time=\"x\" level=warning msg=\"noise\"' >&2\n"
                  "echo 'Error: no such container \"c1\"' >&2\nexit 125\n");
  Cli cli(script, nullptr);
  auto out = cli.Output({"rm", "c1"});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(),
            "buildah rm: exit status 125: no such container \"c1\"");
  EXPECT_FALSE(cli.Quietly({"rm", "c1"}));
}

TEST(CliTest, OutputAndStreamedLines) {
  auto temp = base::TempDir::Create();
  ASSERT_TRUE(temp);
  auto out = Cli(WriteScript(temp->path(), "echo \"args: $*\"\n"), nullptr)
                 .Output({"images", "-q"});
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, "args: images -q\n");
  std::vector<std::pair<std::string, bool>> lines;
  auto status =
      Cli(WriteScript(temp->path(),
                      "echo \"args: $*\"\necho err >&2\nexit 3\n"),
          nullptr)
          .Stream({"run", "c1"}, [&](std::string_view line, bool is_stderr) {
            lines.emplace_back(std::string(line), is_stderr);
          });
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ(status->code, 3);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::make_pair(std::string("args: run c1"), false));
  EXPECT_EQ(lines[1], std::make_pair(std::string("err"), true));
}

TEST(CliTest, CancellationStopsTheChild) {
  auto temp = base::TempDir::Create();
  ASSERT_TRUE(temp);
  std::atomic<bool> cancel{false};
  Cli cli(WriteScript(temp->path(), "exec sleep 30\n"), &cancel);
  std::thread trigger([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.store(true);
  });
  auto started = std::chrono::steady_clock::now();
  auto status = cli.Stream({"run"}, [](std::string_view, bool) {});
  trigger.join();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind(), ErrorKind::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(5));
  // Cleanup still runs once cancelled.
  Cli cleanup(WriteScript(temp->path(), "exit 0\n"), &cancel);
  EXPECT_TRUE(cleanup.Quietly({"rm", "c1"}));
}

TEST(LastErrorLineTest, LastNonEmptyLineWithoutPrefix) {
  EXPECT_EQ(LastErrorLine("a\nError: boom\n\n"), "boom");
  EXPECT_EQ(LastErrorLine("just this"), "just this");
  EXPECT_EQ(LastErrorLine(""), "");
}

}  // namespace
}  // namespace zlayer::buildah
