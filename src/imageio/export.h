// `zlayer export`: an image from the store as an OCI image layout
// directory, the same layout as a tar (oci-archive), or a `docker save`
// archive that `docker load` and skopeo read.
#ifndef ZLAYER_IMAGEIO_EXPORT_H_
#define ZLAYER_IMAGEIO_EXPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "imageio/export_files.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::imageio {

enum class ExportFormat { kOciLayout, kOciArchive, kDockerArchive };

// "oci", "oci-archive" or "docker-archive"; anything else is kUsage.
Result<ExportFormat> ParseExportFormat(std::string_view text);

// The name an export gives the image: `ref` itself when it is one of the
// image's names, else its first name, else empty (an untagged image).
std::string ExportName(std::string_view ref, const store::ImageRecord& image);

// The files of an OCI image layout for `image`: oci-layout, index.json
// (whose entry carries org.opencontainers.image.ref.name = the tag and
// io.containerd.image.name = the full name) and the blobs, in that order.
Result<std::vector<ExportFile>> OciLayoutFiles(const store::Store& store,
                                               const store::ImageRecord& image,
                                               const std::string& name);

// The files of a docker archive: layers as uncompressed "<diff_id hex>.tar"
// (decompressed into `scratch_dir`), the config "<id hex>.json",
// manifest.json and repositories.
Result<std::vector<ExportFile>> DockerArchiveFiles(
    const store::Store& store, const store::ImageRecord& image,
    const std::string& name, const std::string& scratch_dir);

// Writes the image `ref` denotes to `path`.
Status ExportImage(store::Store& store, std::string_view ref,
                   ExportFormat format, const std::string& path);

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_EXPORT_H_
