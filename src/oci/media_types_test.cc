#include "oci/media_types.h"

#include <gtest/gtest.h>

namespace zlayer::oci {
namespace {

TEST(FormatTest, ParsesBothNamesAndRejectsOthers) {
  EXPECT_EQ(ParseFormat("oci").value(), Format::kOci);
  EXPECT_EQ(ParseFormat("docker").value(), Format::kDocker);
  auto bad = ParseFormat("OCI");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(bad.error().message(),
            "unknown image format \"OCI\" (want oci or docker)");
  EXPECT_EQ(FormatName(Format::kDocker), "docker");
  EXPECT_EQ(FormatName(Format::kOci), "oci");
}

TEST(CompressionTest, ParsesCliNames) {
  EXPECT_EQ(ParseCompression("gzip").value(), Compression::kGzip);
  EXPECT_EQ(ParseCompression("zstd").value(), Compression::kZstd);
  EXPECT_EQ(ParseCompression("none").value(), Compression::kNone);
  EXPECT_EQ(ParseCompression("uncompressed").value(), Compression::kNone);
  EXPECT_FALSE(ParseCompression("xz"));
  for (Compression c :
       {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    EXPECT_EQ(ParseCompression(CompressionName(c)).value(), c);
  }
}

TEST(MediaTypeTest, DocumentTypesPerFormat) {
  EXPECT_EQ(ManifestMediaType(Format::kOci), kOciManifest);
  EXPECT_EQ(ManifestMediaType(Format::kDocker), kDockerManifest);
  EXPECT_EQ(IndexMediaType(Format::kOci), kOciIndex);
  EXPECT_EQ(IndexMediaType(Format::kDocker), kDockerManifestList);
  EXPECT_EQ(ConfigMediaType(Format::kOci), kOciConfig);
  EXPECT_EQ(ConfigMediaType(Format::kDocker), kDockerConfig);
  for (Format f : {Format::kOci, Format::kDocker}) {
    EXPECT_EQ(FormatOfMediaType(ManifestMediaType(f)), f);
    EXPECT_EQ(FormatOfMediaType(IndexMediaType(f)), f);
    EXPECT_EQ(FormatOfMediaType(ConfigMediaType(f)), f);
  }
  EXPECT_EQ(FormatOfMediaType(kOciLayerGzip), std::nullopt);
  EXPECT_TRUE(IsManifestMediaType(kDockerManifest));
  EXPECT_FALSE(IsManifestMediaType(kOciIndex));
  EXPECT_TRUE(IsIndexMediaType(kDockerManifestList));
  EXPECT_FALSE(IsIndexMediaType(kOciManifest));
}

TEST(MediaTypeTest, LayerTypesPerFormatAndCompression) {
  EXPECT_EQ(LayerMediaType(Format::kOci, Compression::kGzip).value(),
            kOciLayerGzip);
  EXPECT_EQ(LayerMediaType(Format::kOci, Compression::kZstd).value(),
            kOciLayerZstd);
  EXPECT_EQ(LayerMediaType(Format::kOci, Compression::kNone).value(),
            kOciLayerTar);
  EXPECT_EQ(LayerMediaType(Format::kDocker, Compression::kGzip).value(),
            kDockerLayerGzip);
  EXPECT_EQ(LayerMediaType(Format::kDocker, Compression::kNone).value(),
            kDockerLayerTar);
  auto zstd = LayerMediaType(Format::kDocker, Compression::kZstd);
  ASSERT_FALSE(zstd);
  EXPECT_EQ(zstd.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(zstd.error().message().find("--format oci"), std::string::npos);
}

TEST(MediaTypeTest, LayerKindRoundTripsAndKnowsForeignLayers) {
  for (Format f : {Format::kOci, Format::kDocker}) {
    for (Compression c :
         {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
      auto type = LayerMediaType(f, c);
      if (!type) continue;
      EXPECT_EQ(ParseLayerMediaType(*type).value(), (LayerKind{c, false}));
    }
  }
  EXPECT_EQ(ParseLayerMediaType(kDockerForeignLayerGzip).value(),
            (LayerKind{Compression::kGzip, true}));
  EXPECT_EQ(ParseLayerMediaType(kOciNondistributableLayerZstd).value(),
            (LayerKind{Compression::kZstd, true}));
  EXPECT_EQ(ParseLayerMediaType(kDockerLayerZstd).value(),
            (LayerKind{Compression::kZstd, false}));
  auto unknown = ParseLayerMediaType("application/wasm");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(unknown.error().message(),
            "unsupported layer media type \"application/wasm\"");
}

TEST(MediaTypeTest, ValidatesSyntax) {
  EXPECT_TRUE(IsValidMediaType(kOciManifest));
  EXPECT_TRUE(IsValidMediaType(kDockerForeignLayerGzip));
  EXPECT_TRUE(IsValidMediaType("application/vnd.example+type"));
  EXPECT_FALSE(IsValidMediaType(""));
  EXPECT_FALSE(IsValidMediaType("application"));
  EXPECT_FALSE(IsValidMediaType("application/"));
  EXPECT_FALSE(IsValidMediaType("/json"));
  EXPECT_FALSE(IsValidMediaType("application/json; charset=utf-8"));
  EXPECT_FALSE(IsValidMediaType("application/+json"));
  EXPECT_FALSE(IsValidMediaType("a/b/c"));
  EXPECT_FALSE(IsValidMediaType("application/" + std::string(128, 'x')));
  EXPECT_TRUE(IsValidMediaType("application/" + std::string(127, 'x')));
}

}  // namespace
}  // namespace zlayer::oci
