#include "templates/detect.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zlayer::templates {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(ZLAYER_SOURCE_DIR) + "/src/templates/testdata/detect/" +
         name;
}

struct Case {
  const char* fixture;
  const char* expected;  // DescribeDetection, or "" for no match
  int warnings = 0;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.fixture; }

class DetectFixtureTest : public testing::TestWithParam<Case> {};

TEST_P(DetectFixtureTest, GivesTheDocumentedTemplate) {
  const Case& c = GetParam();
  Result<std::optional<Detection>> detection = Detect(Fixture(c.fixture));
  ASSERT_TRUE(detection.has_value()) << detection.error().message();
  if (std::string(c.expected).empty()) {
    EXPECT_FALSE(detection->has_value()) << DescribeDetection(**detection);
    return;
  }
  ASSERT_TRUE(detection->has_value());
  EXPECT_EQ(DescribeDetection(**detection), c.expected);
  EXPECT_EQ((*detection)->warnings.size(), static_cast<size_t>(c.warnings))
      << testing::PrintToString((*detection)->warnings);
}

// Section 3's rules in order, each with the files of later rules present
// too where that makes a tie the earlier rule must win.
INSTANTIATE_TEST_SUITE_P(
    Rules, DetectFixtureTest,
    testing::Values(
        Case{"wasm_cargo_component", "wasm-component (cargo-component.toml)"},
        Case{"wasm_metadata_component",
             "wasm-component (Cargo.toml has [package.metadata.component])"},
        Case{"wasm_metadata_component_sub",
             "wasm-component (Cargo.toml has [package.metadata.component])"},
        Case{"wasm_componentize_py", "wasm-component (componentize-py.config)"},
        Case{"wasm_jco",
             "wasm-component (package.json depends on @bytecodealliance/jco)"},
        Case{"wasm_jco_peer", "wasm-component (package.json depends on jco)"},
        Case{"wasm_cargo_wasip1",
             "wasm-module (Cargo.toml, .cargo/config.toml targets "
             "wasm32-wasip1)"},
        Case{"wasm_cargo_wasip2",
             "wasm-module (Cargo.toml, .cargo/config.toml targets "
             "wasm32-wasip2)"},
        Case{"wasm_config_without_cargo", "go (go.mod)"},
        Case{"invalid_json_mentions_jco", "node20 (package.json)"},
        Case{"dotnet_csproj", "windows-servercore (App.csproj)"},
        Case{"dotnet_sln_upper", "windows-servercore (Thing.SLN)"},
        Case{"dotnet_vcxproj", "windows-servercore (native.vcxproj)"},
        Case{"dotnet_project_json", "windows-servercore (project.json)"},
        Case{"dotnet_csproj_is_dir", "go (go.mod)"},
        Case{"node_plain", "node20 (package.json)"},
        Case{"bun_lockb", "bun (package.json and bun.lockb)"},
        Case{"bun_lock", "bun (package.json and bun.lock)"},
        Case{"bun_and_deno", "bun (package.json and bun.lockb)"},
        Case{"node_with_deno_json", "deno (package.json and deno.json)"},
        Case{"node_with_deno_jsonc", "deno (package.json and deno.jsonc)"},
        Case{"node_and_cargo", "node20 (package.json)"},
        Case{"node_and_exe", "node20 (package.json)"},
        Case{"deno_json", "deno (deno.json)"},
        Case{"deno_jsonc", "deno (deno.jsonc)"},
        Case{"deno_lock", "deno (deno.lock)"},
        Case{"deno_and_cargo", "deno (deno.json)"},
        Case{"rust", "rust (Cargo.toml)"},
        Case{"rust_and_python", "rust (Cargo.toml)"},
        Case{"python_pyproject", "python312 (pyproject.toml)"},
        Case{"python_requirements", "python312 (requirements.txt)"},
        Case{"python_setup_py", "python312 (setup.py)"},
        Case{"python_pipfile", "python312 (Pipfile)"},
        Case{"python_poetry_lock", "python312 (poetry.lock)"},
        Case{"python_and_go", "python312 (requirements.txt)"},
        Case{"go", "go (go.mod)"}, Case{"go_and_exe", "go (go.mod)"},
        Case{"exe_upper", "windows-nanoserver (APP.EXE)"},
        Case{"exe_is_dir", ""}, Case{"nothing", ""}));

// Section 3.1 with the Do: rules: ranges are parsed, the first present hint
// decides, an unusable hint falls through to the next with a warning.
INSTANTIATE_TEST_SUITE_P(
    VersionHints, DetectFixtureTest,
    testing::Values(
        Case{"node_nvmrc_22", "node22 (package.json, .nvmrc says 22)"},
        Case{"node_nvmrc_v20", "node20 (package.json, .nvmrc says v20.11.1)"},
        Case{"node_nvmrc_lts_jod",
             "node22 (package.json, .nvmrc says lts/jod)"},
        Case{"node_node_version_22",
             "node22 (package.json, .node-version says 22.3.0)"},
        Case{"node_engines_22",
             "node22 (package.json, engines.node says >=22)"},
        Case{"node_engines_range",
             "node22 (package.json, engines.node says >=20 <23)"},
        Case{"node_engines_caret_20",
             "node20 (package.json, engines.node says ^20.10)"},
        Case{"node_engines_18", "node20 (package.json, engines.node says 18)",
             1},
        Case{"node_engines_24", "node22 (package.json, engines.node says >=24)",
             1},
        Case{"node_engines_not_string", "node20 (package.json)", 1},
        Case{"node_nvmrc_beats_engines",
             "node20 (package.json, .nvmrc says 20)"},
        Case{"node_nvmrc_beats_node_version",
             "node22 (package.json, .nvmrc says 22)"},
        Case{"node_bad_nvmrc_falls_through",
             "node22 (package.json, engines.node says >=22)", 1},
        Case{"bun_ignores_nvmrc", "bun (package.json and bun.lockb)"},
        Case{"python_version_313",
             "python313 (requirements.txt, .python-version says 3.13.1)"},
        Case{"python_version_312",
             "python312 (requirements.txt, .python-version says 3.12)"},
        Case{"python_requires_313",
             "python313 (pyproject.toml, requires-python says >=3.13)"},
        Case{"python_requires_range",
             "python312 (pyproject.toml, requires-python says >=3.10,<3.13)"},
        Case{"python_requires_311",
             "python312 (pyproject.toml, requires-python says ==3.11.*)", 1},
        Case{"python_requires_not_313",
             "python312 (pyproject.toml, requires-python says >=3.12, "
             "!=3.13.*)"},
        Case{"python_version_beats_requires",
             "python312 (pyproject.toml, .python-version says 3.12)"},
        Case{"python_requires_outside_project", "python312 (pyproject.toml)"},
        Case{"python_version_system_falls_through",
             "python313 (pyproject.toml, requires-python says ~=3.13.0)", 1}));

TEST(DetectTest, WithoutVersionHintsGivesTheOriginalPlainResult) {
  for (const char* fixture : {"node_nvmrc_22", "node_engines_22"}) {
    auto detection = Detect(Fixture(fixture), {.version_hints = false});
    ASSERT_TRUE(detection.has_value() && detection->has_value());
    EXPECT_EQ(DescribeDetection(**detection), "node20 (package.json)");
  }
  auto python =
      Detect(Fixture("python_requires_313"), {.version_hints = false});
  ASSERT_TRUE(python.has_value() && python->has_value());
  EXPECT_EQ(DescribeDetection(**python), "python312 (pyproject.toml)");
}

TEST(DetectTest, WarningsNameTheHint) {
  auto detection = Detect(Fixture("node_engines_18"));
  ASSERT_TRUE(detection.has_value() && detection->has_value());
  ASSERT_EQ((*detection)->warnings.size(), 1u);
  EXPECT_EQ((*detection)->warnings[0],
            "engines.node says 18, which no template provides; using node20, "
            "the oldest available");
  auto bad = Detect(Fixture("node_bad_nvmrc_falls_through"));
  ASSERT_TRUE(bad.has_value() && bad->has_value());
  ASSERT_EQ((*bad)->warnings.size(), 1u);
  EXPECT_EQ((*bad)->warnings[0], ".nvmrc ignored: not a version: 'banana'");
}

TEST(DetectTest, WasmDetectionCarriesTheTarget) {
  auto component = Detect(Fixture("wasm_jco"));
  ASSERT_TRUE(component.has_value() && component->has_value());
  EXPECT_EQ((*component)->selection,
            (Selection{Runtime::kWasm, WasmTarget::kPreview2}));
  auto module = Detect(Fixture("wasm_cargo_wasip1"));
  ASSERT_TRUE(module.has_value() && module->has_value());
  EXPECT_EQ((*module)->selection,
            (Selection{Runtime::kWasm, WasmTarget::kPreview1}));
}

TEST(DetectTest, MissingDirectoryIsAnError) {
  auto detection = Detect(Fixture("no_such_fixture"));
  ASSERT_FALSE(detection.has_value());
  EXPECT_NE(detection.error().message().find("no_such_fixture"),
            std::string::npos)
      << detection.error().message();
}

}  // namespace
}  // namespace zlayer::templates
