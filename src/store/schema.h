// The index schema and its migrations. Every table lives in ROOT/index.db;
// `schema_version` holds one row with the version the file is at, and each
// migration step runs in the same IMMEDIATE transaction as the version bump,
// so two processes opening a fresh root at once cannot both apply it.
#ifndef ZLAYER_STORE_SCHEMA_H_
#define ZLAYER_STORE_SCHEMA_H_

#include "store/sqlite.h"
#include "zlayer/result.h"

namespace zlayer::store {

// The version this build writes.
inline constexpr int kSchemaVersion = 3;

// Brings `db` up to kSchemaVersion. A file from a newer zlayer is refused
// (kUnsupported) rather than modified.
Status MigrateSchema(Database& db);

// Brings `db` up to `target` (1..kSchemaVersion) and no further; a file at
// or past it is left alone. Tests use it to make files of older versions.
Status MigrateSchemaTo(Database& db, int target);

// The version recorded in `db` (0 for a fresh file).
Result<int> SchemaVersion(Database& db);

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_SCHEMA_H_
