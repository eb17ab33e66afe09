// `zlayer templates list | show NAME | detect DIR`: the built-in runtime
// templates (TEMPLATES.md).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "templates/catalogue.h"
#include "templates/detect.h"
#include "templates/render.h"

namespace zlayer::cli {
namespace {

Status Show(const std::string& name) {
  ZL_ASSIGN_OR_RETURN(std::string text, templates::ShowText(name));
  std::fputs(text.c_str(), stdout);
  return Ok();
}

Status Detect(const std::string& dir) {
  ZL_ASSIGN_OR_RETURN(std::optional<templates::Detection> found,
                      templates::Detect(dir));
  if (!found) {
    return Fail("no template fits " + dir +
                    " (none of the files templates detect is there; "
                    "`zlayer templates list` shows them)",
                ErrorKind::kNotFound);
  }
  for (const std::string& warning : found->warnings) {
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  std::printf("%s\n", templates::DescribeDetection(*found).c_str());
  return Ok();
}

}  // namespace

void RegisterTemplatesCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand(
      "templates", "Built-in runtime templates for `build --runtime`");
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "Name, description and detected files")
      ->callback([&invocation] {
        invocation.run = [] {
          std::fputs(templates::ListText().c_str(), stdout);
          return Ok();
        };
      });
  auto name = std::make_shared<std::string>();
  CLI::App* show = cmd->add_subcommand("show", "Print a template's Dockerfile");
  show->add_option("NAME", *name, "Template name or alias")->required();
  show->callback(
      [&invocation, name] { invocation.run = [name] { return Show(*name); }; });
  auto dir = std::make_shared<std::string>(".");
  CLI::App* detect =
      cmd->add_subcommand("detect", "Which template a project calls for");
  detect->add_option("DIR", *dir, "Project directory (default .)");
  detect->callback(
      [&invocation, dir] { invocation.run = [dir] { return Detect(*dir); }; });
}

}  // namespace zlayer::cli
