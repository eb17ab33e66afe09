#include "imageio/image_json.h"

#include <nlohmann/json.hpp>

#include "oci/timestamp.h"

namespace zlayer::imageio {
namespace {

using Json = nlohmann::ordered_json;

Json LayersJson(const store::ImageRecord& image) {
  Json layers = Json::array();
  for (const store::LayerRecord& layer : image.layers) {
    layers.push_back({{"Digest", layer.digest.ToString()},
                      {"DiffID", layer.diff_id.ToString()},
                      {"Size", layer.size},
                      {"MediaType", layer.media_type}});
  }
  return layers;
}

std::string Plural(int64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// Docker's units.HumanDuration.
std::string HumanDuration(std::chrono::seconds d) {
  int64_t s = d.count();
  if (s < 1) return "Less than a second";
  if (s == 1) return "1 second";
  if (s < 60) return std::to_string(s) + " seconds";
  int64_t minutes = s / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return std::to_string(minutes) + " minutes";
  int64_t hours = s / 3600;
  if (hours == 1) return "About an hour";
  if (hours < 48) return std::to_string(hours) + " hours";
  if (hours < 24 * 7 * 2) return Plural(hours / 24, "day");
  if (hours < 24 * 30 * 2) return Plural(hours / 24 / 7, "week");
  if (hours < 24 * 365 * 2) return Plural(hours / 24 / 30, "month");
  return Plural(hours / 24 / 365, "year");
}

}  // namespace

Result<std::string> InspectJson(const store::Store& store,
                                const store::ImageRecord& image) {
  ZL_ASSIGN_OR_RETURN(std::string config_text, store.blobs().Read(image.id));
  Json config = Json::parse(config_text, nullptr, false);
  if (config.is_discarded()) {
    return Fail("config " + image.id.ToString() + " is not valid JSON",
                ErrorKind::kInvalid);
  }
  Json out;
  out["Id"] = image.id.ToString();
  out["RepoTags"] = image.tags;
  out["ManifestDigest"] = image.manifest_digest.ToString();
  out["MediaType"] = image.manifest_media_type;
  out["Created"] = image.created;
  out["Architecture"] = config.value("architecture", "");
  out["Os"] = config.value("os", "");
  out["Config"] = config.contains("config") ? config["config"] : Json::object();
  out["RootFS"] = config.contains("rootfs") ? config["rootfs"] : Json::object();
  out["Layers"] = LayersJson(image);
  out["History"] =
      config.contains("history") ? config["history"] : Json::array();
  out["Size"] = image.total_size;
  return out.dump(2);
}

std::string ImagesJson(const std::vector<store::ImageRecord>& images) {
  Json out = Json::array();
  for (const store::ImageRecord& image : images) {
    out.push_back({{"Id", image.id.ToString()},
                   {"Names", image.tags},
                   {"Created", image.created},
                   {"Size", image.total_size}});
  }
  return out.dump(2);
}

std::string CreatedAgo(const std::string& created,
                       std::chrono::system_clock::time_point now) {
  auto time = oci::ParseTimestamp(created);
  if (created.empty() || !time) return "N/A";
  auto age = std::chrono::duration_cast<std::chrono::seconds>(
      now -
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(*time));
  return HumanDuration(age) + " ago";
}

std::string ShortId(const base::Digest& id) {
  return std::string(id.hex().substr(0, 12));
}

}  // namespace zlayer::imageio
