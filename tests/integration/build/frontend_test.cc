// The build's other inputs end to end: ZImagefiles (converted to the same
// image a hand-written Dockerfile gives), their error reports, runtime
// templates and `zlayer templates`.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/build/build_fixture.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

class FrontendTest : public BuildFixture {
 protected:
  // SOURCE_DATE_EPOCH clamps layer mtimes and history times, so that two
  // builds of the same steps give the same layers.
  static void SetUpTestSuite() { setenv("SOURCE_DATE_EPOCH", "1700000000", 1); }
  static void TearDownTestSuite() { unsetenv("SOURCE_DATE_EPOCH"); }

  nlohmann::json Inspect(const std::string& image) {
    CommandResult inspect = RunZlayer(root_, {"inspect", image});
    EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
    return nlohmann::json::parse(inspect.out, nullptr, false);
  }
};

TEST_F(FrontendTest, AZImagefileBuildsTheImageItsDockerfileWould) {
  WriteContext("app.txt", "payload\n");
  WriteContext("ZImagefile",
               "base: zlayer-test/busybox\n"
               "env:\n"
               "  GREETING: hi\n"
               "workdir: /srv\n"
               "steps:\n"
               "  - run: echo \"$GREETING\" > greeting\n"
               "  - copy: app.txt\n"
               "    to: app.txt\n"
               "labels:\n"
               "  team: build\n"
               "cmd: [\"cat\", \"greeting\"]\n");
  CommandResult z = RunZlayer(
      root_, {"build", "--progress", "plain", "-t", "from-z", context_});
  ASSERT_EQ(z.exit_code, 0) << z.err;

  WriteContext("hand/Dockerfile",
               "FROM zlayer-test/busybox\n"
               "ENV GREETING=hi\n"
               "WORKDIR /srv\n"
               "RUN echo \"$GREETING\" > greeting\n"
               "COPY app.txt app.txt\n"
               "LABEL team=build\n"
               "CMD [\"cat\", \"greeting\"]\n");
  CommandResult d =
      RunZlayer(root_, {"build", "--progress", "plain", "-t", "from-d", "-f",
                        context_ + "/hand/Dockerfile", context_});
  ASSERT_EQ(d.exit_code, 0) << d.err;

  nlohmann::json zi = Inspect("from-z");
  nlohmann::json di = Inspect("from-d");
  ASSERT_TRUE(zi.is_object() && di.is_object());
  EXPECT_EQ(zi["Config"], di["Config"]) << zi.dump(2);
  EXPECT_EQ(zi["RootFS"], di["RootFS"]) << zi.dump(2);
  EXPECT_EQ(zi["Config"]["Labels"]["team"], "build") << zi.dump(2);

  CommandResult run = RunZlayer(root_, {"run", "--rm", "from-z"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hi\n");
}

TEST_F(FrontendTest, EveryZImagefileErrorIsReportedWithItsPosition) {
  WriteContext("ZImagefile.yml",
               "base: zlayer-test/busybox\n"
               "stpes: []\n"
               "user: [1]\n");
  CommandResult built =
      RunZlayer(root_, {"build", "-f", context_ + "/ZImagefile.yml", context_});
  EXPECT_EQ(built.exit_code, 1);
  std::string file = context_ + "/ZImagefile.yml";
  EXPECT_NE(built.err.find("error: " + file + ":2:1: unknown key 'stpes'"),
            std::string::npos)
      << built.err;
  EXPECT_NE(built.err.find("error: " + file + ":3:7: 'user' must be a string"),
            std::string::npos)
      << built.err;
}

TEST_F(FrontendTest, RuntimeTemplatesAreListedShownAndChosen) {
  CommandResult list = RunZlayer(root_, {"templates", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  for (const char* name :
       {"node20", "node22", "python312", "python313", "rust", "go", "deno",
        "bun", "windows-nanoserver", "windows-servercore", "wasm"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << name;
  }
  CommandResult show = RunZlayer(root_, {"templates", "show", "NODE"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("FROM node:20-alpine"), std::string::npos)
      << show.out;

  WriteContext("proj/package.json", "{\"engines\": {\"node\": \">=22\"}}\n");
  CommandResult detect =
      RunZlayer(root_, {"templates", "detect", context_ + "/proj"});
  ASSERT_EQ(detect.exit_code, 0) << detect.err;
  EXPECT_EQ(detect.out.rfind("node22 (", 0), 0u) << detect.out;

  CommandResult unknown =
      RunZlayer(root_, {"build", "--runtime", "cobol", context_});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("Unknown runtime: 'cobol'. Available runtimes: "
                             "node20, node22"),
            std::string::npos)
      << unknown.err;
}

}  // namespace
}  // namespace zlayer::integration
