#include "templates/catalogue.h"

#include <gtest/gtest.h>

#include <string>

#include "base/file_io.h"

namespace zlayer::templates {
namespace {

TEST(CatalogueTest, ListsTheTemplatesInOrder) {
  std::vector<std::string> names;
  for (const TemplateInfo& info : Catalogue()) {
    names.emplace_back(info.name);
    EXPECT_EQ(&InfoFor(info.runtime), &info);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"node20", "node22", "python312",
                                             "python313", "rust", "go", "deno",
                                             "bun", "windows-nanoserver",
                                             "windows-servercore", "wasm"}));
}

TEST(CatalogueTest, EveryNameAndAliasResolvesInAnyCase) {
  struct {
    const char* name;
    Runtime runtime;
  } cases[] = {
      {"node20", Runtime::kNode20},
      {"node-20", Runtime::kNode20},
      {"nodejs20", Runtime::kNode20},
      {"node", Runtime::kNode20},  // the surprising alias: Node 20
      {"NODE22", Runtime::kNode22},
      {"Node-22", Runtime::kNode22},
      {"nodejs22", Runtime::kNode22},
      {"python312", Runtime::kPython312},
      {"python-312", Runtime::kPython312},
      {"Python3.12", Runtime::kPython312},
      {"python", Runtime::kPython312},  // and Python 3.12
      {"python313", Runtime::kPython313},
      {"python-313", Runtime::kPython313},
      {"python3.13", Runtime::kPython313},
      {"rust", Runtime::kRust},
      {"RS", Runtime::kRust},
      {"go", Runtime::kGo},
      {"GoLang", Runtime::kGo},
      {"deno", Runtime::kDeno},
      {"BUN", Runtime::kBun},
      {"windows-nanoserver", Runtime::kWindowsNanoserver},
      {"nanoserver", Runtime::kWindowsNanoserver},
      {"Windows_Nanoserver", Runtime::kWindowsNanoserver},
      {"windows-servercore", Runtime::kWindowsServercore},
      {"windows-server-core", Runtime::kWindowsServercore},
      {"servercore", Runtime::kWindowsServercore},
      {"windows_servercore", Runtime::kWindowsServercore},
      {"wasm", Runtime::kWasm},
      {"webassembly", Runtime::kWasm},
  };
  for (const auto& c : cases) {
    Result<Selection> selection = LookupRuntime(c.name);
    ASSERT_TRUE(selection.has_value()) << c.name;
    EXPECT_EQ(selection->runtime, c.runtime) << c.name;
    EXPECT_EQ(selection->wasm_target, WasmTarget::kDefault) << c.name;
  }
}

TEST(CatalogueTest, WasmAliasesCarryTheirTarget) {
  EXPECT_EQ(FindRuntime("wasm-module"),
            (Selection{Runtime::kWasm, WasmTarget::kPreview1}));
  EXPECT_EQ(FindRuntime("WASM-PREVIEW1"),
            (Selection{Runtime::kWasm, WasmTarget::kPreview1}));
  // The original sent wasm-preview2 to preview1; TEMPLATES.md fixes that.
  EXPECT_EQ(FindRuntime("wasm-preview2"),
            (Selection{Runtime::kWasm, WasmTarget::kPreview2}));
  EXPECT_EQ(FindRuntime("wasm-component"),
            (Selection{Runtime::kWasm, WasmTarget::kPreview2}));
  EXPECT_EQ(FindRuntime("wasi-component"),
            (Selection{Runtime::kWasm, WasmTarget::kPreview2}));
}

TEST(CatalogueTest, UnknownNameGivesTheOriginalMessage) {
  for (const char* name : {"cobol", "node18", "", " node20", "node20 "}) {
    EXPECT_FALSE(FindRuntime(name).has_value()) << name;
    Result<Selection> selection = LookupRuntime(name);
    ASSERT_FALSE(selection.has_value()) << name;
    EXPECT_EQ(selection.error().kind(), ErrorKind::kNotFound);
    EXPECT_EQ(selection.error().message(),
              "Unknown runtime: '" + std::string(name) +
                  "'. Available runtimes: node20, node22, python312, "
                  "python313, rust, go, deno, bun, windows-nanoserver, "
                  "windows-servercore, wasm");
  }
}

TEST(CatalogueTest, SelectionNameRoundTrips) {
  for (const TemplateInfo& info : Catalogue()) {
    std::vector<std::string> names = {std::string(info.name)};
    for (std::string_view alias : info.aliases) names.emplace_back(alias);
    for (const std::string& name : names) {
      Selection selection = *FindRuntime(name);
      EXPECT_EQ(FindRuntime(SelectionName(selection)), selection) << name;
    }
  }
  EXPECT_EQ(SelectionName({Runtime::kWasm, WasmTarget::kPreview1}),
            "wasm-module");
  EXPECT_EQ(SelectionName({Runtime::kWasm, WasmTarget::kPreview2}),
            "wasm-component");
  EXPECT_EQ(SelectionName({Runtime::kWasm, WasmTarget::kDefault}), "wasm");
}

TEST(CatalogueTest, ListTextMatchesTheGolden) {
  Result<std::string> golden = base::ReadFile(
      std::string(ZLAYER_SOURCE_DIR) + "/src/templates/testdata/list.golden");
  ASSERT_TRUE(golden.has_value()) << golden.error().message();
  EXPECT_EQ(ListText(), *golden);
}

}  // namespace
}  // namespace zlayer::templates
