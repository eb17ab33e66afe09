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

  // `zlayer build --progress plain -t TAG args...`, expected to work.
  void BuildTagged(const std::string& tag,
                   const std::vector<std::string>& args) {
    std::vector<std::string> full = {"build", "--progress", "plain", "-t", tag};
    full.insert(full.end(), args.begin(), args.end());
    CommandResult built = RunZlayer(root_, full);
    ASSERT_EQ(built.exit_code, 0) << built.err;
  }

  // The same config and layers (so the same rootfs) in both images;
  // returns the first one's inspect output.
  nlohmann::json ExpectSameImage(const std::string& a, const std::string& b) {
    nlohmann::json ai = Inspect(a);
    nlohmann::json bi = Inspect(b);
    EXPECT_TRUE(ai.is_object() && bi.is_object());
    EXPECT_EQ(ai["Config"], bi["Config"]) << ai.dump(2);
    EXPECT_EQ(ai["RootFS"], bi["RootFS"]) << ai.dump(2);
    return ai;
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
  BuildTagged("from-z", {context_});

  WriteContext("hand/Dockerfile",
               "FROM zlayer-test/busybox\n"
               "ENV GREETING=hi\n"
               "WORKDIR /srv\n"
               "RUN echo \"$GREETING\" > greeting\n"
               "COPY app.txt app.txt\n"
               "LABEL team=build\n"
               "CMD [\"cat\", \"greeting\"]\n");
  BuildTagged("from-d", {"-f", context_ + "/hand/Dockerfile", context_});

  nlohmann::json zi = ExpectSameImage("from-z", "from-d");
  EXPECT_EQ(zi["Config"]["Labels"]["team"], "build") << zi.dump(2);

  CommandResult run = RunZlayer(root_, {"run", "--rm", "from-z"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hi\n");
}

TEST_F(FrontendTest, AMultiStageZImagefileBuildsTheImageItsDockerfileWould) {
  WriteContext("ZImagefile",
               "args:\n"
               "  WHO: world\n"
               "stages:\n"
               "  prep:\n"
               "    base: zlayer-test/busybox\n"
               "    workdir: /work\n"
               "    steps:\n"
               "      - run: echo \"hello $WHO\" > msg\n"
               "  final:\n"
               "    base: zlayer-test/busybox\n"
               "    steps:\n"
               "      - copy: /work/msg\n"
               "        from: prep\n"
               "        to: /msg\n"
               "user: \"1000\"\n"
               "cmd: [\"cat\", \"/msg\"]\n");
  BuildTagged("multi-z", {context_});

  WriteContext("hand/Dockerfile",
               "ARG WHO=world\n"
               "FROM zlayer-test/busybox AS prep\n"
               "ARG WHO\n"
               "WORKDIR /work\n"
               "RUN echo \"hello $WHO\" > msg\n"
               "FROM zlayer-test/busybox\n"
               "COPY --from=prep /work/msg /msg\n"
               "USER 1000\n"
               "CMD [\"cat\", \"/msg\"]\n");
  BuildTagged("multi-d", {"-f", context_ + "/hand/Dockerfile", context_});

  nlohmann::json zi = ExpectSameImage("multi-z", "multi-d");
  EXPECT_EQ(zi["Config"]["User"], "1000");

  CommandResult run = RunZlayer(root_, {"run", "--rm", "multi-z"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hello world\n");
}

TEST_F(FrontendTest, ABuildDirectiveBuildsTheBaseFirst) {
  WriteContext("images/base/Dockerfile",
               "FROM zlayer-test/busybox\n"
               "ARG FLAVOUR=plain\n"
               "RUN echo \"$FLAVOUR\" > /etc/flavour\n"
               "ENV FROM_BASE=yes\n");
  WriteContext("ZImagefile",
               "build:\n"
               "  context: images/base\n"
               "  args:\n"
               "    FLAVOUR: nested\n"
               "steps:\n"
               "  - run: cp /etc/flavour /copied\n"
               "cmd: [\"cat\", \"/copied\"]\n");
  // The dependency is a local image: it is not qualified with the default
  // registry (which cannot be reached), so the build finds it in the store.
  // The nested FROM is qualified, as any FROM is: give it its name there.
  ASSERT_EQ(RunZlayer(root_, {"tag", kBaseImage,
                              "127.0.0.1:9/zlayer-test/busybox:latest"})
                .exit_code,
            0);
  BuildTagged("nested-z", {"--default-registry", "127.0.0.1:9", "--build-arg",
                           "FLAVOUR=parent", context_});
  CommandResult images = RunZlayer(root_, {"images", "--format", "json"});
  ASSERT_EQ(images.exit_code, 0) << images.err;
  EXPECT_NE(images.out.find("zlayer-build-dep-toplevel:"), std::string::npos)
      << images.out;

  // The same image by hand: the base built with the directive's args, then
  // a Dockerfile on top of it.
  BuildTagged("hand-base",
              {"--build-arg", "FLAVOUR=nested", context_ + "/images/base"});
  WriteContext("hand/Dockerfile",
               "FROM hand-base\n"
               "RUN cp /etc/flavour /copied\n"
               "CMD [\"cat\", \"/copied\"]\n");
  BuildTagged("nested-d", {"-f", context_ + "/hand/Dockerfile", context_});

  nlohmann::json zi = ExpectSameImage("nested-z", "nested-d");
  EXPECT_EQ(zi["RootFS"]["diff_ids"].size(), 3u) << zi.dump(2);

  // Built again, the directive reuses its image and every cached step.
  BuildTagged("nested-z2", {context_});
  EXPECT_EQ(Inspect("nested-z2")["Id"], zi["Id"]);

  CommandResult run = RunZlayer(root_, {"run", "--rm", "nested-z"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "nested\n");
}

TEST_F(FrontendTest, BuildDirectiveErrorsNameTheDirective) {
  WriteContext("ZImagefile", "build: ./missing\n");
  CommandResult missing = RunZlayer(root_, {"build", context_});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "error: " + context_ +
                             "/ZImagefile:1:1: Failed to read build context "
                             "at '" +
                             context_ +
                             "/missing': build context directory not found "
                             "for build directive in 'toplevel'\n");

  WriteContext("base/Dockerfile", "FROM zlayer-test/busybox\nRUN exit 3\n");
  WriteContext("ZImagefile", "build: base\n");
  CommandResult failed =
      RunZlayer(root_, {"build", "--progress", "plain", context_});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("error: " + context_ +
                            "/ZImagefile:1:1: build: directive 'toplevel' "
                            "(context " +
                            context_ + "/base): "),
            std::string::npos)
      << failed.err;
  EXPECT_NE(failed.err.find("exit code 3"), std::string::npos) << failed.err;
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
