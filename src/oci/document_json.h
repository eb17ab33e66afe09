// Pieces common to the manifest and index codecs: the schema version check
// and lists of descriptors.
#ifndef ZLAYER_OCI_DOCUMENT_JSON_H_
#define ZLAYER_OCI_DOCUMENT_JSON_H_

#include <optional>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "oci/json_fields.h"
#include "zlayer/result.h"

namespace zlayer::oci::internal {

// schemaVersion must be present and 2.
Status ReadSchemaVersion(const ObjectReader& reader, int& out);

// The media type of a manifest or index: absent is fine, anything else
// must satisfy `accept`; `what` names the expected kind in the error.
Status ReadDocumentMediaType(const ObjectReader& reader, std::string& out,
                             bool (*accept)(std::string_view),
                             std::string_view what);

// A required array of descriptors (it may be empty).
Result<std::vector<Descriptor>> ReadDescriptors(const ObjectReader& reader,
                                                std::string_view key);

// An optional descriptor member such as "subject".
Result<std::optional<Descriptor>> ReadOptionalDescriptor(
    const ObjectReader& reader, std::string_view key);

OrderedJson DescriptorsToJson(const std::vector<Descriptor>& descriptors);

}  // namespace zlayer::oci::internal

#endif  // ZLAYER_OCI_DOCUMENT_JSON_H_
