// The templates' RUN scripts, run by /bin/sh against stand-in tools (fake
// npm, pip, cargo that log their arguments), so the fallbacks the spec asks
// for are exercised without the real bases. Absolute paths the scripts
// write to (/app/app, /root/.local) are redirected into a temp dir.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <variant>
#include <vector>

#include "base/file_io.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "dockerfile/stages.h"
#include "templates/render.h"

namespace zlayer::templates {
namespace {

namespace df = zlayer::dockerfile;

std::vector<std::string> RunScripts(Runtime runtime) {
  std::vector<std::string> out;
  Result<df::Dockerfile> file = df::ParseDockerfile(*DockerfileText(runtime));
  EXPECT_TRUE(file.has_value());
  if (!file) return out;
  for (const df::Stage& stage : file->stages) {
    for (const df::Command& command : stage.commands) {
      const auto* run = std::get_if<df::RunCommand>(&command);
      if (run && run->command.prepend_shell) {
        out.push_back(run->command.cmd_line.at(0));
      }
    }
  }
  return out;
}

std::string Replace(std::string text, std::string_view from,
                    std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

class ScriptsTest : public testing::Test {
 protected:
  void SetUp() override {
    Result<base::TempDir> dir = base::TempDir::Create();
    ASSERT_TRUE(dir.has_value());
    tmp_ = std::move(*dir);
    ASSERT_EQ(mkdir(Path("bin").c_str(), 0755), 0);
    ASSERT_EQ(mkdir(Path("project").c_str(), 0755), 0);
  }

  std::string Path(std::string_view name) const {
    return tmp_.path() + "/" + std::string(name);
  }

  void Write(std::string_view name, std::string_view text, mode_t mode = 0644) {
    ASSERT_TRUE(base::WriteFileAtomic(Path(name), text, mode).has_value());
  }

  // A tool that appends "<name> <args>" to the log.
  void FakeTool(std::string_view name, std::string_view extra = "") {
    Write("bin/" + std::string(name),
          "#!/bin/sh\necho \"" + std::string(name) + " $*\" >> \"" +
              Path("log") + "\"\n" + std::string(extra),
          0755);
  }

  // Runs `script` in project/ with bin/ first on PATH; returns the log.
  std::string RunScript(const std::string& script, bool expect_ok = true) {
    base::SubprocessOptions options;
    options.cwd = Path("project");
    options.env = {"PATH=" + Path("bin") + ":/usr/bin:/bin"};
    Result<base::RunResult> result =
        base::Run({"/bin/sh", "-e", "-c", script}, options);
    EXPECT_TRUE(result.has_value());
    if (result) {
      EXPECT_EQ(result->status.success(), expect_ok) << script << "\n"
                                                     << result->stderr_data;
    }
    return base::ReadFile(Path("log")).value_or("");
  }

  base::TempDir tmp_;
};

TEST_F(ScriptsTest, EveryLinuxScriptIsValidShell) {
  for (const TemplateInfo& info : Catalogue()) {
    if (info.runtime == Runtime::kWasm ||
        info.runtime == Runtime::kWindowsServercore) {
      continue;  // no Dockerfile; PowerShell
    }
    for (const std::string& script : RunScripts(info.runtime)) {
      Result<base::RunResult> result =
          base::Run({"/bin/sh", "-n", "-c", script});
      ASSERT_TRUE(result.has_value());
      EXPECT_TRUE(result->status.success())
          << info.name << ": " << script << "\n"
          << result->stderr_data;
    }
  }
}

TEST_F(ScriptsTest, NodeUsesCiWithALockfileAndInstallWithout) {
  FakeTool("npm");
  std::vector<std::string> scripts = RunScripts(Runtime::kNode22);
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_EQ(RunScript(scripts[0]), "npm install --omit=dev\n");
  Write("project/package-lock.json", "{}");
  EXPECT_EQ(RunScript(scripts[0]),
            "npm install --omit=dev\nnpm ci --omit=dev\n");
}

TEST_F(ScriptsTest, PythonFallsBackToThePackageItself) {
  FakeTool("pip");
  FakeTool("apt-get");
  std::vector<std::string> scripts = RunScripts(Runtime::kPython313);
  ASSERT_EQ(scripts.size(), 3u);  // apt, requirements, the package
  std::string deps = scripts[1];
  std::string package = Replace(scripts[2], "/root/.local", Path("local"));

  // Neither: nothing installed, but /root/.local exists for the COPY.
  RunScript(deps);
  EXPECT_EQ(RunScript(package), "");
  struct stat st;
  EXPECT_EQ(stat(Path("local").c_str(), &st), 0);

  Write("project/pyproject.toml", "[project]\nname = \"x\"\n");
  RunScript(deps);
  EXPECT_EQ(RunScript(package), "pip install --user .\n");

  // requirements.txt wins; the package step then does nothing.
  Write("project/requirements.txt", "flask\n");
  RunScript(deps);
  EXPECT_EQ(RunScript(package),
            "pip install --user .\npip install --user -r requirements.txt\n");
}

TEST_F(ScriptsTest, RustCopiesTheExecutableCargoReports) {
  std::string artifacts = Path("artifacts.json");
  FakeTool("cargo", "cat \"" + artifacts + "\"\n");
  std::vector<std::string> scripts = RunScripts(Runtime::kRust);
  ASSERT_EQ(scripts.size(), 2u);  // apk, cargo
  std::string build =
      Replace(Replace(scripts[1], "/app/app", Path("app")),
              "/tmp/cargo-build.json", Path("cargo-build.json"));
  Write("target-server", "binary");
  Write("artifacts.json",
        "{\"reason\":\"compiler-artifact\",\"executable\":null}\n"
        "{\"reason\":\"compiler-artifact\",\"executable\":\"" +
            Path("target-server") +
            "\",\"fresh\":true}\n"
            "{\"reason\":\"build-finished\",\"success\":true}\n");
  EXPECT_EQ(RunScript(build),
            "cargo build --release --message-format=json-render-diagnostics\n");
  EXPECT_EQ(base::ReadFile(Path("app")).value_or(""), "binary");

  // A library crate: no executable, a clear failure.
  Write("artifacts.json",
        "{\"reason\":\"compiler-artifact\",\"executable\":null}\n");
  RunScript(build, /*expect_ok=*/false);
}

}  // namespace
}  // namespace zlayer::templates
