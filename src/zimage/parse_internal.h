// The pieces of the ZImagefile reader, one per part of the schema.
#ifndef ZLAYER_ZIMAGE_PARSE_INTERNAL_H_
#define ZLAYER_ZIMAGE_PARSE_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zimage/model.h"
#include "zimage/yaml_reader.h"

namespace zlayer::zimage::internal {

// Reads one of the image-config keys common to the top level and stages
// into `meta`; false when `entry` is not one of them. `prefix` is "" or
// "stage 'NAME': ".
bool ReadMetadataKey(Reader& r, const Entry& entry, std::string_view prefix,
                     Metadata& meta);

// "in stage 'x', step 2" from "stage 'x', step 2: " (and "" -> fallback).
std::string WhereOf(std::string_view prefix, std::string_view what);

// `steps:`; `stage` is empty in single-stage mode.
std::vector<Step> ReadSteps(Reader& r, const Entry& entry,
                            std::string_view stage);

std::optional<BuildDirective> ReadBuild(Reader& r, const Entry& entry,
                                        std::string_view prefix,
                                        std::string_view where);
std::optional<Text> ReadPlatform(Reader& r, const Entry& entry,
                                 std::string_view prefix);
std::optional<TargetOs> ReadOs(Reader& r, const Entry& entry,
                               std::string_view prefix);
// Image references and other single words (base, from).
std::optional<Text> ReadWord(Reader& r, const Entry& entry,
                             std::string_view prefix);
std::vector<KeyValue> ReadArgs(Reader& r, const Entry& entry,
                               std::string_view prefix);

std::vector<Stage> ReadStages(Reader& r, const Entry& entry);
std::optional<WasmConfig> ReadWasm(Reader& r, const Entry& entry);

// Text that must fit on one Dockerfile line.
bool CheckSingleLine(Reader& r, const Text& text, std::string_view prefix,
                     std::string_view name);
// Text that must fit on one line and is not empty (paths, users, signals).
bool CheckText(Reader& r, const Text& text, std::string_view prefix,
               std::string_view name);
// Text that is one word: no whitespace, quotes or backslashes.
bool CheckWord(Reader& r, const Text& text, std::string_view prefix,
               std::string_view name);

}  // namespace zlayer::zimage::internal

#endif  // ZLAYER_ZIMAGE_PARSE_INTERNAL_H_
