#include "zimage/parse.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace zlayer::zimage {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ZImage MustParse(std::string_view text) {
  Result<ZImage> image = ParseZImagefile(text, "ZImagefile");
  EXPECT_TRUE(image) << image.error().message();
  return image ? *image : ZImage{};
}

TEST(ParseTest, WasmExampleOfTheSpec) {
  const ZImage image =
      MustParse(Slurp(std::string(ZLAYER_SOURCE_DIR) +
                      "/src/zimage/testdata/spec_10_4_wasm.yml"));
  ASSERT_EQ(image.mode, Mode::kWasm);
  ASSERT_TRUE(image.wasm);
  const WasmConfig& w = *image.wasm;
  EXPECT_EQ(w.language, "rust");
  EXPECT_EQ(w.target, WasmTarget::kPreview2);
  EXPECT_TRUE(w.optimize);
  EXPECT_EQ(w.opt_level, "Os");
  EXPECT_EQ(w.world, "zlayer-http-handler");
  EXPECT_EQ(w.build_args,
            (std::vector<KeyValue>{{"CARGO_PROFILE_RELEASE_LTO", "true", {}}}));
  ASSERT_EQ(w.pre_build.size(), 1u);
  EXPECT_FALSE(w.pre_build[0].exec_form);
  EXPECT_EQ(w.pre_build[0].shell, "cargo fetch");
  ASSERT_EQ(w.post_build.size(), 1u);
  EXPECT_EQ(w.post_build[0].args,
            (std::vector<std::string>{
                "wasm-tools", "validate",
                "target/wasm32-wasip2/release/hello_http.wasm"}));
  EXPECT_EQ(w.output, "dist/hello.wasm");
  EXPECT_TRUE(w.oci);
  ASSERT_EQ(image.meta.labels.size(), 1u);
  EXPECT_EQ(image.meta.labels[0].value, "hello-world HTTP handler");
}

TEST(ParseTest, WasmDefaultsAndAliases) {
  ZImage image = MustParse("wasm: {}\n");
  ASSERT_TRUE(image.wasm);
  EXPECT_EQ(image.wasm->target, WasmTarget::kPreview2);
  EXPECT_EQ(image.wasm->opt_level, "Oz");
  EXPECT_FALSE(image.wasm->optimize);
  EXPECT_TRUE(image.wasm->oci);
  EXPECT_FALSE(image.wasm->language);

  for (const auto& [name, target] :
       std::vector<std::pair<std::string, WasmTarget>>{
           {"wasm", WasmTarget::kPreview2},
           {"WebAssembly", WasmTarget::kPreview2},
           {"wasm-module", WasmTarget::kPreview1},
           {"wasm-preview1", WasmTarget::kPreview1},
           {"wasm-preview2", WasmTarget::kPreview2},
           {"wasm-component", WasmTarget::kPreview2},
           {"WASI-component", WasmTarget::kPreview2}}) {
    image = MustParse("runtime: " + name + "\nlabels: {a: b}\n");
    EXPECT_EQ(image.mode, Mode::kWasm) << name;
    EXPECT_FALSE(image.runtime) << name;
    ASSERT_TRUE(image.wasm) << name;
    EXPECT_EQ(image.wasm->target, target) << name;
  }
}

TEST(ParseTest, RuntimeModeKeepsTheNameAndMetadata) {
  const ZImage image = MustParse(
      "runtime: node22\nenv: {PORT: 8080}\nexpose: 8080\nos: linux\n");
  EXPECT_EQ(image.mode, Mode::kRuntime);
  ASSERT_TRUE(image.runtime);
  EXPECT_EQ(image.runtime->value, "node22");
  EXPECT_EQ(image.runtime->mark, (Mark{1, 10}));
  EXPECT_EQ(image.meta.env, (std::vector<KeyValue>{{"PORT", "8080", {}}}));
  ASSERT_EQ(image.meta.expose.size(), 1u);
  EXPECT_EQ(image.meta.expose[0].number, 8080);
  EXPECT_EQ(image.os, TargetOs::kLinux);
}

TEST(ParseTest, MappingsKeepDocumentOrderAndLiteralText) {
  const ZImage image = MustParse(
      "version: 1\nbase: alpine\nenv:\n  Z: 1.10\n  A: true\n  M: 0x1F\n"
      "  N: ~x\nlabels: {b: 2, a: 1}\n");
  ASSERT_TRUE(image.version);
  EXPECT_EQ(image.version->value, "1");
  EXPECT_EQ(image.meta.env, (std::vector<KeyValue>{{"Z", "1.10", {}},
                                                   {"A", "true", {}},
                                                   {"M", "0x1F", {}},
                                                   {"N", "~x", {}}}));
  EXPECT_EQ(image.meta.labels,
            (std::vector<KeyValue>{{"b", "2", {}}, {"a", "1", {}}}));
}

TEST(ParseTest, StepsAndBuildDirectives) {
  const ZImage image = MustParse(
      "stages:\n"
      "  dep:\n"
      "    build:\n"
      "      context: sub\n"
      "      file: Dockerfile.dep\n"
      "      args: {V: \"2\"}\n"
      "  app:\n"
      "    base: dep\n"
      "    steps:\n"
      "      - run: make\n"
      "        env: {CC: gcc}\n"
      "        cache: [{target: /c, id: x, sharing: private, readonly: "
      "true}]\n"
      "      - copy: [a, b]\n"
      "        from: dep\n"
      "        to: /d\n"
      "        owner: \"1:2\"\n"
      "        chmod: \"644\"\n");
  ASSERT_EQ(image.mode, Mode::kMultiStage);
  ASSERT_EQ(image.stages.size(), 2u);
  const BuildDirective& b = *image.stages[0].build;
  EXPECT_EQ(b.context, "sub");
  EXPECT_EQ(b.file, "Dockerfile.dep");
  EXPECT_EQ(b.args, (std::vector<KeyValue>{{"V", "2", {}}}));
  const std::vector<Step>& steps = image.stages[1].steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].kind, StepKind::kRun);
  EXPECT_EQ(steps[0].env, (std::vector<KeyValue>{{"CC", "gcc", {}}}));
  ASSERT_EQ(steps[0].cache.size(), 1u);
  EXPECT_EQ(steps[0].cache[0].id, "x");
  EXPECT_EQ(steps[0].cache[0].sharing, CacheSharing::kPrivate);
  EXPECT_TRUE(steps[0].cache[0].readonly);
  EXPECT_EQ(steps[1].kind, StepKind::kCopy);
  EXPECT_EQ(steps[1].sources, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(steps[1].from->value, "dep");
  EXPECT_EQ(steps[1].owner, "1:2");
  EXPECT_EQ(steps[1].chmod, "644");
  EXPECT_EQ(steps[1].mark, (Mark{13, 9}));
}

TEST(ParseTest, BuildShortForm) {
  const ZImage image = MustParse("build: ./base\n");
  EXPECT_EQ(image.mode, Mode::kSingleStage);
  ASSERT_TRUE(image.build);
  EXPECT_EQ(image.build->context, "./base");
  EXPECT_FALSE(image.build->file);
  EXPECT_EQ(image.build->mark, (Mark{1, 1}));
}

TEST(ParseTest, HealthcheckDurationsInNanoseconds) {
  const ZImage image = MustParse(
      "base: a\nhealthcheck:\n  cmd: true\n  interval: 1m30s\n"
      "  start_period: 1500ms\n  retries: 3\n");
  const Healthcheck& h = *image.meta.healthcheck;
  EXPECT_EQ(*h.interval, std::chrono::seconds(90));
  EXPECT_EQ(*h.start_period, std::chrono::milliseconds(1500));
  EXPECT_FALSE(h.timeout);
  EXPECT_EQ(h.retries, 3u);
}

TEST(ParseTest, AllErrorsBecomeOneErrorOfLines) {
  Result<ZImage> r = ParseZImagefile("version: \"2\"\nbase: a\nbogus: 1\n",
                                     "dir/ZImagefile.x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(r.error().message(),
            "dir/ZImagefile.x:1:10: unsupported version '2', only version "
            "\"1\" is supported\n"
            "dir/ZImagefile.x:3:1: unknown key 'bogus' at the top level "
            "(allowed: version, runtime, base, build, steps, platform, os, "
            "stages, wasm, env, workdir, expose, cmd, entrypoint, user, "
            "labels, volumes, healthcheck, stopsignal, args)");
}

TEST(ParseTest, SubstituteVariablesOnlyKnownBraceForms) {
  const std::map<std::string, std::string> vars = {{"TAG", "1.2"},
                                                   {"EMPTY", ""}};
  EXPECT_EQ(SubstituteVariables("a:${TAG} $TAG ${OTHER} ${EMPTY}x ${", vars),
            "a:1.2 $TAG ${OTHER} x ${");
  EXPECT_EQ(SubstituteVariables("${TAG}", {}), "${TAG}");
}

}  // namespace
}  // namespace zlayer::zimage
