#include "oci/image_config.h"

#include "oci/json_fields.h"

namespace zlayer::oci {
namespace {

using internal::ArrayElements;
using internal::ElementPath;
using internal::Invalid;
using internal::Json;
using internal::ObjectReader;
using internal::OrderedJson;
using internal::Presence;
using internal::PutInt64;
using internal::PutKeySet;
using internal::PutString;
using internal::PutStringList;
using internal::PutStringMap;

Status ReadDuration(const ObjectReader& reader, std::string_view key,
                    std::chrono::nanoseconds& out) {
  int64_t value = 0;
  ZL_RETURN_IF_ERROR(reader.Int64(key, value));
  if (value < 0) {
    return Invalid(reader.PathOf(key),
                   "negative duration " + std::to_string(value));
  }
  out = std::chrono::nanoseconds(value);
  return Ok();
}

Result<HealthConfig> HealthFromJson(const Json& value,
                                    const std::string& path) {
  ZL_ASSIGN_OR_RETURN(ObjectReader reader, ObjectReader::Open(value, path));
  HealthConfig health;
  ZL_RETURN_IF_ERROR(reader.StringList("Test", health.test));
  ZL_RETURN_IF_ERROR(ReadDuration(reader, "Interval", health.interval));
  ZL_RETURN_IF_ERROR(ReadDuration(reader, "Timeout", health.timeout));
  ZL_RETURN_IF_ERROR(ReadDuration(reader, "StartPeriod", health.start_period));
  ZL_RETURN_IF_ERROR(
      ReadDuration(reader, "StartInterval", health.start_interval));
  ZL_RETURN_IF_ERROR(reader.Int64("Retries", health.retries));
  if (health.retries < 0) {
    return Invalid(reader.PathOf("Retries"),
                   "negative count " + std::to_string(health.retries));
  }
  return health;
}

Result<ContainerConfig> ContainerFromJson(const Json& value,
                                          const std::string& path) {
  ZL_ASSIGN_OR_RETURN(ObjectReader reader, ObjectReader::Open(value, path));
  ContainerConfig config;
  ZL_RETURN_IF_ERROR(reader.String("User", config.user));
  ZL_RETURN_IF_ERROR(reader.KeySet("ExposedPorts", config.exposed_ports));
  ZL_RETURN_IF_ERROR(reader.StringList("Env", config.env));
  ZL_RETURN_IF_ERROR(reader.StringList("Entrypoint", config.entrypoint));
  ZL_RETURN_IF_ERROR(reader.StringList("Cmd", config.cmd));
  ZL_RETURN_IF_ERROR(reader.KeySet("Volumes", config.volumes));
  ZL_RETURN_IF_ERROR(reader.String("WorkingDir", config.working_dir));
  ZL_RETURN_IF_ERROR(reader.StringMap("Labels", config.labels));
  ZL_RETURN_IF_ERROR(reader.String("StopSignal", config.stop_signal));
  ZL_RETURN_IF_ERROR(reader.Bool("ArgsEscaped", config.args_escaped));
  if (const Json* health = reader.Find("Healthcheck")) {
    ZL_ASSIGN_OR_RETURN(config.healthcheck,
                        HealthFromJson(*health, reader.PathOf("Healthcheck")));
  }
  ZL_RETURN_IF_ERROR(reader.StringList("OnBuild", config.on_build));
  ZL_RETURN_IF_ERROR(reader.StringList("Shell", config.shell));
  return config;
}

Result<RootFs> RootFsFromJson(const ObjectReader& parent) {
  ZL_ASSIGN_OR_RETURN(const Json* value, parent.Require("rootfs"));
  ZL_ASSIGN_OR_RETURN(ObjectReader reader,
                      ObjectReader::Open(*value, parent.PathOf("rootfs")));
  RootFs rootfs;
  ZL_RETURN_IF_ERROR(reader.String("type", rootfs.type, Presence::kRequired));
  if (rootfs.type != "layers") {
    return Invalid(reader.PathOf("type"),
                   "unsupported type \"" + rootfs.type + "\" (want layers)");
  }
  ZL_RETURN_IF_ERROR(reader.DigestList("diff_ids", rootfs.diff_ids));
  return rootfs;
}

Result<std::vector<HistoryEntry>> HistoryFromJson(const ObjectReader& parent) {
  ZL_ASSIGN_OR_RETURN(auto elements, ArrayElements(parent, "history"));
  std::vector<HistoryEntry> history;
  history.reserve(elements.size());
  for (size_t i = 0; i < elements.size(); ++i) {
    ZL_ASSIGN_OR_RETURN(
        ObjectReader reader,
        ObjectReader::Open(*elements[i],
                           ElementPath(parent.PathOf("history"), i)));
    HistoryEntry entry;
    ZL_RETURN_IF_ERROR(reader.Timestamp("created", entry.created));
    ZL_RETURN_IF_ERROR(reader.String("created_by", entry.created_by));
    ZL_RETURN_IF_ERROR(reader.String("author", entry.author));
    ZL_RETURN_IF_ERROR(reader.String("comment", entry.comment));
    ZL_RETURN_IF_ERROR(reader.Bool("empty_layer", entry.empty_layer));
    history.push_back(std::move(entry));
  }
  return history;
}

Result<ImageConfig> ConfigFromJson(const Json& value) {
  ZL_ASSIGN_OR_RETURN(ObjectReader reader, ObjectReader::Open(value, ""));
  ImageConfig image;
  ZL_RETURN_IF_ERROR(reader.Timestamp("created", image.created));
  ZL_RETURN_IF_ERROR(reader.String("author", image.author));
  ZL_RETURN_IF_ERROR(
      reader.String("architecture", image.architecture, Presence::kRequired));
  ZL_RETURN_IF_ERROR(reader.String("os", image.os, Presence::kRequired));
  ZL_RETURN_IF_ERROR(reader.String("os.version", image.os_version));
  ZL_RETURN_IF_ERROR(reader.StringList("os.features", image.os_features));
  ZL_RETURN_IF_ERROR(reader.String("variant", image.variant));
  if (const Json* config = reader.Find("config")) {
    ZL_ASSIGN_OR_RETURN(image.config,
                        ContainerFromJson(*config, reader.PathOf("config")));
  }
  ZL_ASSIGN_OR_RETURN(image.rootfs, RootFsFromJson(reader));
  ZL_ASSIGN_OR_RETURN(image.history, HistoryFromJson(reader));
  return image;
}

OrderedJson HealthToJson(const HealthConfig& health) {
  OrderedJson out = OrderedJson::object();
  PutStringList(out, "Test", health.test);
  PutInt64(out, "Interval", health.interval.count());
  PutInt64(out, "Timeout", health.timeout.count());
  PutInt64(out, "StartPeriod", health.start_period.count());
  PutInt64(out, "StartInterval", health.start_interval.count());
  PutInt64(out, "Retries", health.retries);
  return out;
}

OrderedJson ContainerToJson(const ContainerConfig& config) {
  OrderedJson out = OrderedJson::object();
  PutString(out, "User", config.user);
  PutKeySet(out, "ExposedPorts", config.exposed_ports);
  PutStringList(out, "Env", config.env);
  PutStringList(out, "Entrypoint", config.entrypoint);
  PutStringList(out, "Cmd", config.cmd);
  PutKeySet(out, "Volumes", config.volumes);
  PutString(out, "WorkingDir", config.working_dir);
  PutStringMap(out, "Labels", config.labels);
  PutString(out, "StopSignal", config.stop_signal);
  if (config.args_escaped) out["ArgsEscaped"] = true;
  if (config.healthcheck) {
    out["Healthcheck"] = HealthToJson(*config.healthcheck);
  }
  PutStringList(out, "OnBuild", config.on_build);
  PutStringList(out, "Shell", config.shell);
  return out;
}

OrderedJson HistoryToJson(const HistoryEntry& entry) {
  OrderedJson out = OrderedJson::object();
  PutString(out, "created", entry.created);
  PutString(out, "created_by", entry.created_by);
  PutString(out, "author", entry.author);
  PutString(out, "comment", entry.comment);
  if (entry.empty_layer) out["empty_layer"] = true;
  return out;
}

}  // namespace

Result<ImageConfig> ParseImageConfig(std::string_view json) {
  auto document = internal::ParseJson(json);
  if (!document) return std::unexpected(document.error().AddContext("config"));
  return WithContext(ConfigFromJson(*document), "config");
}

std::string SerializeImageConfig(const ImageConfig& image) {
  // Key order of the OCI Go types, which BuildKit writes.
  OrderedJson out = OrderedJson::object();
  PutString(out, "created", image.created);
  PutString(out, "author", image.author);
  out["architecture"] = image.architecture;
  out["os"] = image.os;
  PutString(out, "os.version", image.os_version);
  PutStringList(out, "os.features", image.os_features);
  PutString(out, "variant", image.variant);
  out["config"] = ContainerToJson(image.config);
  OrderedJson diff_ids = OrderedJson::array();
  for (const base::Digest& digest : image.rootfs.diff_ids) {
    diff_ids.push_back(digest.ToString());
  }
  out["rootfs"] = {{"type", image.rootfs.type}, {"diff_ids", diff_ids}};
  if (!image.history.empty()) {
    OrderedJson history = OrderedJson::array();
    for (const HistoryEntry& entry : image.history) {
      history.push_back(HistoryToJson(entry));
    }
    out["history"] = std::move(history);
  }
  return internal::Dump(out);
}

}  // namespace zlayer::oci
