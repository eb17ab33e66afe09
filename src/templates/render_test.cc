#include "templates/render.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <variant>

#include "dockerfile/mounts.h"
#include "dockerfile/stages.h"

namespace zlayer::templates {
namespace {

namespace df = zlayer::dockerfile;

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::string ExecForm(const df::ShellDependentCmdLine& line) {
  if (line.prepend_shell) return "shell:" + Join(line.cmd_line);
  std::string out = "[";
  for (const std::string& word : line.cmd_line) {
    if (out.size() > 1) out += ", ";
    out += '"';
    out += word;
    out += '"';
  }
  return out + "]";
}

// The parts of each instruction TEMPLATES.md section 2 fixes (bases,
// stages, WORKDIR, USER, CMD, COPY sources, cache mount targets), one line
// each; RUN scripts are left out.
std::string Shape(const df::Dockerfile& file) {
  std::string out;
  for (const df::ArgCommand& arg : file.meta_args) out += arg.code + "\n";
  for (const df::Stage& stage : file.stages) {
    out += "FROM " + stage.base_name +
           (stage.name.empty() ? "" : " AS " + stage.name) + "\n";
    for (const df::Command& command : stage.commands) {
      out += "  ";
      std::visit(
          [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, df::RunCommand>) {
              out += "RUN";
              for (const std::string& spec : c.mount_specs) {
                auto identity = [](std::string_view w) -> Result<std::string> {
                  return std::string(w);
                };
                df::WordExpander expand = identity;
                Result<df::Mount> mount = df::ParseMount(spec, &expand);
                ASSERT_TRUE(mount.has_value()) << mount.error().message();
                out += ' ';
                out += df::MountTypeName(mount->type);
                out += ':';
                out += mount->target;
              }
            } else if constexpr (std::is_same_v<T, df::CopyCommand>) {
              out += "COPY ";
              if (!c.from.empty()) out += "--from=" + c.from + " ";
              out += Join(c.files.source_paths) + " -> " + c.files.dest_path;
            } else if constexpr (std::is_same_v<T, df::CmdCommand>) {
              out += "CMD " + ExecForm(c.command);
            } else {
              out += c.code;
            }
          },
          command);
      out += "\n";
    }
  }
  return out;
}

df::Dockerfile ParseTemplate(Runtime runtime) {
  Result<std::string_view> text = DockerfileText(runtime);
  EXPECT_TRUE(text.has_value());
  if (!text) return {};
  Result<df::Dockerfile> parsed = df::ParseDockerfile(*text);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  if (!parsed) return {};
  for (const df::Warning& warning : parsed->warnings) {
    ADD_FAILURE() << CanonicalName(runtime) << ":" << warning.line << ": "
                  << warning.message;
  }
  return *parsed;
}

TEST(RenderTest, EveryTemplateParsesAsADockerfile) {
  for (const TemplateInfo& info : Catalogue()) {
    if (info.runtime == Runtime::kWasm) continue;
    SCOPED_TRACE(info.name);
    df::Dockerfile file = ParseTemplate(info.runtime);
    EXPECT_FALSE(file.stages.empty());
  }
}

std::string NodeShape(const std::string& major) {
  std::string base = "node:" + major + "-alpine";
  return "ARG NODE_ENV=production\n"
         "FROM " +
         base +
         " AS builder\n"
         "  WORKDIR /app\n"
         "  COPY package*.json -> ./\n"
         "  RUN cache:/root/.npm\n"
         "FROM " +
         base +
         "\n"
         "  ARG NODE_ENV\n"
         "  WORKDIR /app\n"
         "  COPY --from=builder /app/node_modules -> ./node_modules\n"
         "  COPY . -> .\n"
         "  ENV NODE_ENV=${NODE_ENV}\n"
         "  USER node\n"
         "  CMD [\"node\", \"index.js\"]\n";
}

std::string PythonShape(const std::string& version) {
  std::string base = "python:" + version + "-slim";
  return "FROM " + base +
         " AS builder\n"
         "  WORKDIR /app\n"
         "  RUN\n"
         "  COPY requirements.txt* -> ./\n"
         "  RUN cache:/root/.cache/pip\n"
         "  COPY . -> .\n"
         "  RUN cache:/root/.cache/pip\n"
         "FROM " +
         base +
         "\n"
         "  WORKDIR /app\n"
         "  COPY --from=builder /root/.local -> /root/.local\n"
         "  ENV PATH=/root/.local/bin:$PATH\n"
         "  COPY . -> .\n"
         "  CMD [\"python\", \"main.py\"]\n";
}

TEST(RenderTest, NodeAndPythonKeepTheOriginalShape) {
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kNode20)), NodeShape("20"));
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kNode22)), NodeShape("22"));
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kPython312)), PythonShape("3.12"));
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kPython313)), PythonShape("3.13"));
}

TEST(RenderTest, RustCopiesOneKnownPath) {
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kRust)),
            "FROM rust:alpine AS builder\n"
            "  WORKDIR /app\n"
            "  RUN\n"
            "  COPY Cargo.toml Cargo.lock* -> ./\n"
            "  COPY src -> ./src\n"
            "  RUN cache:/usr/local/cargo/registry cache:/usr/local/cargo/git "
            "cache:/app/target\n"
            "FROM alpine:latest\n"
            "  WORKDIR /app\n"
            "  COPY --from=builder /app/app -> ./app\n"
            "  CMD [\"./app\"]\n");
}

TEST(RenderTest, GoDenoBun) {
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kGo)),
            "FROM golang:alpine AS builder\n"
            "  WORKDIR /app\n"
            "  RUN\n"
            "  COPY go.mod go.sum* -> ./\n"
            "  RUN cache:/go/pkg/mod cache:/root/.cache/go-build\n"
            "  COPY . -> .\n"
            "  RUN cache:/go/pkg/mod cache:/root/.cache/go-build\n"
            "FROM alpine:latest\n"
            "  WORKDIR /app\n"
            "  RUN\n"
            "  COPY --from=builder /app/app -> ./\n"
            "  CMD [\"./app\"]\n");
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kDeno)),
            "FROM denoland/deno:latest\n"
            "  WORKDIR /app\n"
            "  COPY deno.json* deno.lock* deps.ts* -> ./\n"
            "  RUN\n"
            "  COPY . -> .\n"
            "  RUN\n"
            "  USER deno\n"
            "  CMD [\"run\", \"--allow-net\", \"--allow-read\", "
            "\"--allow-env\", \"main.ts\"]\n");
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kBun)),
            "FROM oven/bun:latest AS builder\n"
            "  WORKDIR /app\n"
            "  COPY package.json bun.lockb* bun.lock* -> ./\n"
            "  RUN\n"
            "FROM oven/bun:latest\n"
            "  WORKDIR /app\n"
            "  COPY --from=builder /app/node_modules -> ./node_modules\n"
            "  COPY . -> .\n"
            "  USER bun\n"
            "  CMD [\"bun\", \"run\", \"index.ts\"]\n");
}

TEST(RenderTest, WindowsTemplates) {
  std::string tail =
      "  USER ContainerAdministrator\n"
      "  WORKDIR C:\\\\app\n"
      "  COPY ./app.exe -> C:\\\\app\\\\app.exe\n"
      "  CMD [\"C:\\app\\app.exe\"]\n";
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kWindowsNanoserver)),
            "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n" + tail);
  EXPECT_EQ(Shape(ParseTemplate(Runtime::kWindowsServercore)),
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            "  SHELL [\"powershell\", \"-Command\"]\n" +
                tail);
}

TEST(RenderTest, WasmHasNoDockerfile) {
  Result<std::string_view> text = DockerfileText(Runtime::kWasm);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().kind(), ErrorKind::kUnsupported);
}

TEST(RenderTest, WasmAliasesRenderTheirSnippet) {
  struct {
    const char* name;
    const char* snippet;
    WasmTarget target;
  } cases[] = {
      {"wasm", "wasm: {}\n", WasmTarget::kDefault},
      {"WebAssembly", "wasm: {}\n", WasmTarget::kDefault},
      {"wasm-module", "wasm: {target: preview1}\n", WasmTarget::kPreview1},
      {"wasm-preview1", "wasm: {target: preview1}\n", WasmTarget::kPreview1},
      {"wasm-preview2", "wasm: {target: preview2}\n", WasmTarget::kPreview2},
      {"wasm-component", "wasm: {target: preview2}\n", WasmTarget::kPreview2},
      {"wasi-component", "wasm: {target: preview2}\n", WasmTarget::kPreview2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Rendered> rendered = RenderByName(c.name);
    ASSERT_TRUE(rendered.has_value()) << rendered.error().message();
    EXPECT_TRUE(rendered->is_wasm());
    EXPECT_EQ(rendered->wasm_target, c.target);
    EXPECT_EQ(rendered->zimage_snippet, c.snippet);
    EXPECT_TRUE(rendered->dockerfile.empty());
    EXPECT_EQ(ShowText(c.name).value_or(""), c.snippet);
  }
}

TEST(RenderTest, ShowPrintsTheExactDockerfileUsed) {
  Result<std::string> shown = ShowText("NodeJS22");
  ASSERT_TRUE(shown.has_value()) << shown.error().message();
  EXPECT_EQ(*shown, *DockerfileText(Runtime::kNode22));
  EXPECT_EQ(RenderByName("node")->dockerfile,
            *DockerfileText(Runtime::kNode20));
  Result<std::string> unknown = ShowText("cobol");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message().substr(0, 26),
            "Unknown runtime: 'cobol'. ");
}

}  // namespace
}  // namespace zlayer::templates
