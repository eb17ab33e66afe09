// The converter's quoting: the Dockerfile frontend, with BuildKit's word
// expansion, must read back exactly the values of the ZImagefile.
#include <gtest/gtest.h>

#include "dockerfile/run_heredoc.h"
#include "dockerfile/stages.h"
#include "shell/lexer.h"
#include "shell/variables.h"
#include "zimage/convert.h"
#include "zimage/parse.h"

namespace zlayer::zimage {
namespace {

using dockerfile::Command;

const std::vector<std::string> kTricky = {
    "plain",         "two words",  "say \"hi\"", "it's",
    "C:\\dir\\file", "trailing\\", "-dash",      "semi;colon|pipe&",
    "#hash",         "[brackets]", "<<EOF",      "tab\there",
    "grüße",         "\\$LITERAL", "",           "x=y=z",
};

std::string Expand(std::string_view word) {
  shell::VariableMap vars;
  Result<shell::ExpandResult> r = shell::Lexer().ProcessWord(word, vars);
  EXPECT_TRUE(r) << r.error().message();
  return r ? r->word : "";
}

// The value a tricky input should come back as (`\$` is a literal `$`).
std::string Want(std::string_view v) {
  std::string s(v);
  if (s == "\\$LITERAL") return "$LITERAL";
  return s;
}

dockerfile::Dockerfile Convert(const std::string& yaml) {
  Result<ZImage> image = ParseZImagefile(yaml, "ZImagefile");
  if (!image) {
    ADD_FAILURE() << image.error().message();
    return {};
  }
  Result<std::string> text = ConvertToDockerfile(*image);
  if (!text) {
    ADD_FAILURE() << text.error().message();
    return {};
  }
  Result<dockerfile::Dockerfile> df = dockerfile::ParseDockerfile(*text);
  if (!df) {
    ADD_FAILURE() << df.error().message() << "\n" << *text;
    return {};
  }
  return *df;
}

std::string YamlQuote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\t' || c == '\n') {
      out += c == '\t' ? "\\t" : "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

TEST(RoundTripTest, EnvLabelAndWordValues) {
  for (const std::string& v : kTricky) {
    SCOPED_TRACE(v);
    const std::string q = YamlQuote(v);
    dockerfile::Dockerfile df = Convert(
        "base: alpine\nenv: {K: " + q + "}\nlabels: {" +
        YamlQuote(v.find('=') == std::string::npos ? "l " + v + "x" : "l x") +
        ": " + q + "}\nworkdir: " + YamlQuote("/w" + v) +
        "\nuser: " + YamlQuote("u" + v) +
        "\nstopsignal: " + YamlQuote("S" + v) + "\nvolumes: [" +
        YamlQuote("/v" + v) + "]\nsteps:\n  - copy: [" + YamlQuote("c" + v) +
        ", " + YamlQuote("s" + v) + "]\n    to: " + YamlQuote("/d" + v) + "\n");
    ASSERT_EQ(df.stages.size(), 1u);
    const auto& cmds = df.stages[0].commands;
    ASSERT_EQ(cmds.size(), 7u);
    auto env = std::get<dockerfile::EnvCommand>(cmds[0]);
    ASSERT_TRUE(env.Expand(Expand));
    EXPECT_EQ(env.env[0].key, "K");
    EXPECT_EQ(env.env[0].value, Want(v));
    auto wd = std::get<dockerfile::WorkdirCommand>(cmds[1]);
    ASSERT_TRUE(wd.Expand(Expand));
    EXPECT_EQ(wd.path, "/w" + Want(v));
    auto copy = std::get<dockerfile::CopyCommand>(cmds[2]);
    ASSERT_TRUE(copy.Expand(Expand));
    EXPECT_EQ(copy.files.source_paths,
              (std::vector<std::string>{"c" + Want(v), "s" + Want(v)}));
    EXPECT_EQ(copy.files.dest_path, "/d" + Want(v));
    auto label = std::get<dockerfile::LabelCommand>(cmds[3]);
    ASSERT_TRUE(label.Expand(Expand));
    if (v.find('=') == std::string::npos) {
      EXPECT_EQ(label.labels[0].key, "l " + Want(v) + "x");
    }
    EXPECT_EQ(label.labels[0].value, Want(v));
    auto user = std::get<dockerfile::UserCommand>(cmds[4]);
    ASSERT_TRUE(user.Expand(Expand));
    EXPECT_EQ(user.user, "u" + Want(v));
    auto volume = std::get<dockerfile::VolumeCommand>(cmds[5]);
    ASSERT_TRUE(volume.Expand(Expand));
    EXPECT_EQ(volume.volumes, std::vector<std::string>{"/v" + Want(v)});
    auto signal = std::get<dockerfile::StopSignalCommand>(cmds[6]);
    ASSERT_TRUE(signal.Expand(Expand));
    EXPECT_EQ(signal.signal, "S" + Want(v));
  }
}

TEST(RoundTripTest, ArgDefaults) {
  for (const std::string& v : kTricky) {
    if (v.empty()) continue;  // "" declares the ARG without a default
    SCOPED_TRACE(v);
    dockerfile::Dockerfile df =
        Convert("base: alpine\nargs: {A: " + YamlQuote(v) + "}\n");
    ASSERT_EQ(df.meta_args.size(), 1u);
    ASSERT_TRUE(df.meta_args[0].args[0].value.has_value());
    EXPECT_EQ(Expand(*df.meta_args[0].args[0].value), Want(v));
  }
}

// The command a RUN step finally hands to /bin/sh -c.
std::string RunScript(const dockerfile::Dockerfile& df, size_t index) {
  auto run = std::get<dockerfile::RunCommand>(df.stages[0].commands[index]);
  Result<dockerfile::RunInvocation> inv =
      dockerfile::PlanRunInvocation(run, false);
  EXPECT_TRUE(inv) << inv.error().message();
  EXPECT_TRUE(run.command.prepend_shell);
  return inv && inv->args.size() == 1 ? inv->args[0] : "<exec>";
}

TEST(RoundTripTest, ShellRunTextReachesTheShellUnchanged) {
  const std::vector<std::string> scripts = {
      "echo plain",
      "[ -f /x ] && echo y",
      "[\"echo\", \"json-looking\"]",
      "echo trailing \\",
      "--flag-looking",
      "cat <<EOF > /f",
      "line one\nline two\n  indented\n",
      "echo EOF; echo EOF_1",
      "echo $HOME \"$X\" '$Y' `date`",
  };
  std::string yaml = "base: alpine\nsteps:\n";
  for (const std::string& s : scripts)
    yaml += "  - run: " + YamlQuote(s) + "\n";
  dockerfile::Dockerfile df = Convert(yaml);
  ASSERT_EQ(df.stages[0].commands.size(), scripts.size());
  for (size_t i = 0; i < scripts.size(); ++i) {
    std::string want = scripts[i];
    // Blank lines around the text do not matter to the shell; the heredoc
    // form always ends in one newline.
    std::string got = RunScript(df, i);
    while (!want.empty() && want.back() == '\n') want.pop_back();
    while (!got.empty() && got.back() == '\n') got.pop_back();
    EXPECT_EQ(got, want) << i;
  }
}

TEST(RoundTripTest, TransientEnvIsExportedForOneCommand) {
  dockerfile::Dockerfile df = Convert(
      "base: alpine\nsteps:\n  - run: make\n    env: {A: \"x \\\"y\\\" `z`\"}\n"
      "  - run: [\"make\"]\n    env: {B: \"1 2\"}\n");
  EXPECT_EQ(RunScript(df, 0), "export A=\"x \\\"y\\\" \\`z\\`\"; make");
  auto exec = std::get<dockerfile::RunCommand>(df.stages[0].commands[1]);
  EXPECT_FALSE(exec.command.prepend_shell);
  EXPECT_EQ(exec.command.cmd_line,
            (std::vector<std::string>{"env", "B=1 2", "make"}));
}

}  // namespace
}  // namespace zlayer::zimage
