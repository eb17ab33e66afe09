#include "engine/assemble.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "base/file_io.h"
#include "copy/copy.h"
#include "imageio/blob_copy.h"
#include "imageio/export.h"
#include "layer/layer_writer.h"
#include "oci/descriptor.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "registry/push.h"
#include "registry/reference.h"
#include "sandbox/mounts.h"

namespace zlayer::engine {
namespace {

// One layer holding the whole root filesystem (buildah's --squash).
Result<LayerRef> SquashLayers(Session& session,
                              const std::vector<LayerRef>& layers) {
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> lowers,
                      session.snapshots().Lowers(layers));
  ZL_ASSIGN_OR_RETURN(std::string dir, session.NewDir("squash"));
  ZL_ASSIGN_OR_RETURN(sandbox::ScopedMount view,
                      sandbox::ScopedMount::ReadOnlyView(lowers, dir));
  ZL_ASSIGN_OR_RETURN(store::BlobWriter writer,
                      session.store().blobs().NewWriter(session.lease()));
  layer::LayerOptions options;
  options.compression = session.options().compression;
  options.source_date_epoch = session.options().source_date_epoch;
  ZL_ASSIGN_OR_RETURN(
      layer::LayerResult written,
      layer::WriteLayer(
          layer::ChangeSet{.root = dir, .kind = layer::SourceKind::kDirectory},
          options, imageio::BlobWriterSink(writer)));
  ZL_RETURN_IF_ERROR(writer.Commit(written.digest));
  return LayerRef{.diff_id = written.diff_id,
                  .blob = written.digest,
                  .media_type = written.media_type,
                  .size = static_cast<int64_t>(written.compressed_size)};
}

Result<std::string> MediaTypeFor(oci::Format format,
                                 const std::string& media_type) {
  ZL_ASSIGN_OR_RETURN(oci::LayerKind kind,
                      oci::ParseLayerMediaType(media_type));
  if (kind.foreign) return media_type;
  ZL_ASSIGN_OR_RETURN(std::string_view mapped,
                      oci::LayerMediaType(format, kind.compression));
  return std::string(mapped);
}

}  // namespace

Result<store::ImageRecord> CommitImage(Session& session,
                                       const StageResult& result,
                                       std::vector<std::string>& warnings) {
  const BuildOptions& options = session.options();
  std::vector<LayerRef> layers = result.layers;
  oci::ImageConfig config = result.config;
  if (options.squash && !layers.empty()) {
    ZL_ASSIGN_OR_RETURN(LayerRef squashed, SquashLayers(session, layers));
    layers = {squashed};
    config.rootfs.diff_ids = {squashed.diff_id};
    for (oci::HistoryEntry& entry : config.history) entry.empty_layer = true;
    oci::HistoryEntry squash;
    squash.created = config.created;
    squash.created_by = "zlayer build --squash";
    squash.comment = "zlayer";
    config.history.push_back(squash);
  }
  if (options.format == oci::Format::kOci && config.config.healthcheck) {
    warnings.push_back(
        "HEALTHCHECK is not supported for OCI image format and will be "
        "ignored. Must use `docker` format (--format docker)");
    config.config.healthcheck.reset();
  }
  std::vector<oci::Descriptor> descriptors;
  for (const LayerRef& layer : layers) {
    ZL_ASSIGN_OR_RETURN(std::string media_type,
                        MediaTypeFor(options.format, layer.media_type));
    descriptors.push_back(oci::Descriptor{
        .media_type = media_type, .digest = layer.blob, .size = layer.size});
  }
  std::string config_text = oci::SerializeImageConfig(config);
  std::string_view config_type = options.format == oci::Format::kDocker
                                     ? oci::kDockerConfig
                                     : oci::kOciConfig;
  oci::Manifest manifest = oci::MakeManifest(
      options.format, oci::DescribeContent(config_type, config_text),
      std::move(descriptors));
  return session.store().PutImage(oci::SerializeManifest(manifest), config_text,
                                  options.tags);
}

namespace {

// Every tag of the build, each once however many registry outputs ask.
Status PushTags(Session& session, const store::ImageRecord& image,
                std::vector<PushedImage>& pushed) {
  if (!pushed.empty()) return Ok();
  const BuildOptions& options = session.options();
  registry::PushOptions push_options;
  push_options.client = options.registry;
  push_options.default_registry = options.default_registry;
  push_options.events = options.events;
  for (const std::string& tag : options.tags) {
    ZL_ASSIGN_OR_RETURN(
        registry::Reference dest,
        registry::ParseReference(tag, options.default_registry));
    ZL_ASSIGN_OR_RETURN(
        registry::PushResult result,
        WithContext(registry::Push(session.store(), image.id.ToString(),
                                   dest.String(), push_options),
                    "push " + dest.Familiar()));
    pushed.push_back({.ref = dest.String(), .digest = result.manifest_digest});
  }
  return Ok();
}

}  // namespace

Status WriteOutputs(Session& session, const store::ImageRecord& image,
                    const std::vector<LayerRef>& layers,
                    std::vector<PushedImage>& pushed) {
  for (const OutputSpec& output : session.options().outputs) {
    std::string id = image.id.ToString();
    switch (output.type) {
      case OutputSpec::Type::kOci:
        ZL_RETURN_IF_ERROR(
            WithContext(imageio::ExportImage(session.store(), id,
                                             imageio::ExportFormat::kOciLayout,
                                             output.dest),
                        "--output type=oci"));
        break;
      case OutputSpec::Type::kOciArchive:
        ZL_RETURN_IF_ERROR(
            WithContext(imageio::ExportImage(session.store(), id,
                                             imageio::ExportFormat::kOciArchive,
                                             output.dest),
                        "--output type=oci-archive"));
        break;
      case OutputSpec::Type::kDockerArchive:
        ZL_RETURN_IF_ERROR(WithContext(
            imageio::ExportImage(session.store(), id,
                                 imageio::ExportFormat::kDockerArchive,
                                 output.dest),
            "--output type=docker-archive"));
        break;
      case OutputSpec::Type::kLocal: {
        std::error_code ec;
        std::filesystem::create_directories(output.dest, ec);
        if (ec) {
          return Fail("--output type=local: create " + output.dest + ": " +
                          ec.message(),
                      ErrorKind::kIo);
        }
        ZL_ASSIGN_OR_RETURN(std::vector<std::string> lowers,
                            session.snapshots().Lowers(layers));
        ZL_ASSIGN_OR_RETURN(std::string dir, session.NewDir("local"));
        ZL_ASSIGN_OR_RETURN(sandbox::ScopedMount view,
                            sandbox::ScopedMount::ReadOnlyView(lowers, dir));
        ZL_ASSIGN_OR_RETURN(copy::SourceTree tree,
                            copy::SourceTree::Rootfs(dir));
        copy::CopyRequest request;
        request.sources = {"/"};
        request.dest = "/";
        ZL_RETURN_IF_ERROR(WithContext(copy::Copy(tree, request, output.dest),
                                       "--output type=local"));
        break;
      }
      case OutputSpec::Type::kRegistry:
        ZL_RETURN_IF_ERROR(PushTags(session, image, pushed));
        break;
    }
  }
  if (!session.options().iidfile.empty()) {
    ZL_RETURN_IF_ERROR(
        base::WriteFileAtomic(session.options().iidfile, image.id.ToString()));
  }
  return Ok();
}

}  // namespace zlayer::engine
