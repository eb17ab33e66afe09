#include "templates/wasm_language.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::templates {
namespace {

using Files = std::initializer_list<std::pair<const char*, const char*>>;

// A project directory holding `files` ("src/x.c" creates src/).
base::TempDir Project(Files files) {
  Result<base::TempDir> dir = base::TempDir::Create();
  EXPECT_TRUE(dir.has_value());
  for (const auto& [name, content] : files) {
    std::string path = dir->path() + "/" + name;
    size_t slash = std::string(name).find('/');
    if (slash != std::string::npos) {
      mkdir((dir->path() + "/" + std::string(name).substr(0, slash)).c_str(),
            0755);
    }
    EXPECT_TRUE(base::WriteFileAtomic(path, content).has_value()) << path;
  }
  return std::move(*dir);
}

std::string Detected(Files files) {
  base::TempDir dir = Project(files);
  Result<WasmLanguage> language = DetectWasmLanguage(dir.path());
  if (!language) return "error: " + language.error().message();
  return std::string(WasmLanguageName(*language));
}

constexpr const char* kCargo = "[package]\nname = \"m\"\n";

TEST(WasmLanguageTest, RustAndCargoComponent) {
  EXPECT_EQ(Detected({{"Cargo.toml", kCargo}}), "rust");
  EXPECT_EQ(Detected({{"Cargo.toml",
                       "[package]\nname = \"c\"\n"
                       "[package.metadata.component]\npackage = \"a:b\"\n"}}),
            "rust-component");
  EXPECT_EQ(Detected({{"Cargo.toml", kCargo}, {"cargo-component.toml", ""}}),
            "rust-component");
  EXPECT_EQ(Detected({{"Cargo.toml",
                       "[package]\nname = \"c\"\n[dependencies]\n"
                       "wit-bindgen = \"0.30\"\n"}}),
            "rust-component");
  EXPECT_EQ(Detected({{"Cargo.toml",
                       "[package]\nname = \"c\"\n"
                       "[dependencies.cargo-component-bindings]\n"
                       "version = \"0.6\"\n"}}),
            "rust-component");
  EXPECT_EQ(Detected({{"Cargo.toml",
                       "[workspace.dependencies]\n"
                       "wit-bindgen.workspace = true\n"}}),
            "rust-component");
}

// The Do: of WASM.md section 2: only dependency tables count.
TEST(WasmLanguageTest, WitBindgenOutsideDependenciesIsPlainRust) {
  EXPECT_EQ(Detected({{"Cargo.toml",
                       "[package]\nname = \"c\"\n"
                       "description = \"works without wit-bindgen\"\n"
                       "# wit-bindgen = \"0.30\"\n"
                       "[features]\nwit-bindgen = []\n"}}),
            "rust");
}

TEST(WasmLanguageTest, OrderOfTheTable) {
  // Cargo.toml first, even with every other marker present.
  EXPECT_EQ(Detected({{"Cargo.toml", kCargo},
                      {"go.mod", "module m\n"},
                      {"package.json", "{}"}}),
            "rust");
  EXPECT_EQ(Detected({{"go.mod", "module m\n"}, {"requirements.txt", ""}}),
            "go");
  EXPECT_EQ(Detected({{"pyproject.toml", ""}, {"package.json", "{}"}}),
            "python");
  EXPECT_EQ(Detected({{"requirements.txt", ""}}), "python");
  EXPECT_EQ(Detected({{"setup.py", ""}}), "python");
  EXPECT_EQ(Detected({{"package.json", "{}"}, {"build.zig", ""}}),
            "typescript");
  EXPECT_EQ(Detected({{"build.zig", ""}, {"main.c", ""}}), "zig");
}

TEST(WasmLanguageTest, AssemblyScript) {
  EXPECT_EQ(Detected({{"package.json",
                       R"({"devDependencies": {"assemblyscript": "^0.27"}})"}}),
            "assemblyscript");
  EXPECT_EQ(Detected({{"package.json",
                       R"({"scripts": {"build": "asc assembly/index.ts"}})"}}),
            "assemblyscript");
  EXPECT_EQ(Detected({{"package.json",
                       R"({"scripts": {"build": "npx asc x.ts", "t": 1}})"}}),
            "assemblyscript");
  EXPECT_EQ(Detected({{"package.json",
                       R"({"scripts": {"build": "tsc", "x": "basc"}})"}}),
            "typescript");
}

TEST(WasmLanguageTest, C) {
  EXPECT_EQ(Detected({{"main.c", ""}}), "c");
  EXPECT_EQ(Detected({{"api.H", ""}}), "c");
  EXPECT_EQ(Detected({{"Makefile", ""}, {"src/main.c", ""}}), "c");
  EXPECT_EQ(Detected({{"CMakeLists.txt", ""}, {"src/lib.h", ""}}), "c");
}

TEST(WasmLanguageTest, ErrorsNameTheProblem) {
  base::TempDir empty = Project({{"src/main.c", ""}});
  Result<WasmLanguage> none = DetectWasmLanguage(empty.path());
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().message(),
            "Could not detect source language in '" + empty.path() + "'");

  std::string bad = Detected({{"package.json", "{not json"}});
  EXPECT_NE(bad.find("package.json: not a JSON object"), std::string::npos)
      << bad;

  base::TempDir unreadable = Project({});
  ASSERT_EQ(mkdir((unreadable.path() + "/Cargo.toml").c_str(), 0755), 0);
  Result<WasmLanguage> dir_cargo = DetectWasmLanguage(unreadable.path());
  ASSERT_FALSE(dir_cargo.has_value());
  EXPECT_NE(dir_cargo.error().message().find("Cargo.toml"), std::string::npos)
      << dir_cargo.error().message();
}

TEST(WasmLanguageTest, NamesAndAliases) {
  EXPECT_EQ(ParseWasmLanguage("cargo-component"), WasmLanguage::kRustComponent);
  EXPECT_EQ(ParseWasmLanguage("Rust_Component"), WasmLanguage::kRustComponent);
  EXPECT_EQ(ParseWasmLanguage("tinygo"), WasmLanguage::kGo);
  EXPECT_EQ(ParseWasmLanguage("py"), WasmLanguage::kPython);
  EXPECT_EQ(ParseWasmLanguage("TS"), WasmLanguage::kTypeScript);
  EXPECT_EQ(ParseWasmLanguage("as"), WasmLanguage::kAssemblyScript);
  EXPECT_EQ(ParseWasmLanguage("zig"), WasmLanguage::kZig);
  EXPECT_EQ(ParseWasmLanguage("cobol"), std::nullopt);
  EXPECT_EQ(WasmLanguageName(WasmLanguage::kRustComponent), "rust-component");
  EXPECT_EQ(WasmLanguageName(WasmLanguage::kC), "c");
}

}  // namespace
}  // namespace zlayer::templates
