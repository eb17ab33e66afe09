#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "base/units.h"
#include "cli/command.h"
#include "cli/store_access.h"
#include "imageio/image_json.h"

namespace zlayer::cli {
namespace {

struct Row {
  std::string name;
  std::string id;
  std::string created;
  std::string size;
};

void PrintTable(const std::vector<Row>& rows) {
  size_t name_width = 4;  // "NAME"
  size_t created_width = 7;
  for (const Row& row : rows) {
    name_width = std::max(name_width, row.name.size());
    created_width = std::max(created_width, row.created.size());
  }
  int nw = static_cast<int>(name_width);
  int cw = static_cast<int>(created_width);
  std::printf("%-*s   %-12s   %-*s   %s\n", nw, "NAME", "IMAGE ID", cw,
              "CREATED", "SIZE");
  for (const Row& row : rows) {
    std::printf("%-*s   %-12s   %-*s   %s\n", nw, row.name.c_str(),
                row.id.c_str(), cw, row.created.c_str(), row.size.c_str());
  }
}

Status ListImages(const GlobalOptions& global, const std::string& format) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(std::vector<store::ImageRecord> images,
                      store.ListImages());
  if (format == "json") {
    std::printf("%s\n", imageio::ImagesJson(images).c_str());
    return Ok();
  }
  auto now = std::chrono::system_clock::now();
  std::vector<Row> rows;
  for (const store::ImageRecord& image : images) {
    Row row{.id = imageio::ShortId(image.id),
            .created = imageio::CreatedAgo(image.created, now),
            .size = base::FormatSize(static_cast<uint64_t>(image.total_size))};
    if (image.tags.empty()) {
      row.name = "<none>";
      rows.push_back(row);
    }
    for (const std::string& tag : image.tags) {
      row.name = tag;
      rows.push_back(row);
    }
  }
  PrintTable(rows);
  return Ok();
}

}  // namespace

void RegisterImagesCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cmd = app.add_subcommand("images", "List local images");
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--format", *format, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([&invocation, format] {
    invocation.run = [&invocation, format] {
      return ListImages(invocation.global, *format);
    };
  });
}

}  // namespace zlayer::cli
