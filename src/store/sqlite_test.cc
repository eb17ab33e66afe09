#include "store/sqlite.h"

#include <gtest/gtest.h>

#include "base/temp_dir.h"
#include "store/schema.h"

namespace zlayer::store {
namespace {

using std::chrono::milliseconds;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    path_ = dir_.path() + "/index.db";
  }
  Database OpenDb(milliseconds timeout = milliseconds(1000)) {
    auto db = Database::Open(path_, timeout);
    EXPECT_TRUE(db) << db.error().message();
    return std::move(*db);
  }

  base::TempDir dir_;
  std::string path_;
};

TEST_F(SqliteTest, StatementsBindStepAndRead) {
  Database db = OpenDb();
  ASSERT_TRUE(db.Exec("CREATE TABLE t (a TEXT, b INTEGER)"));
  auto insert = db.Prepare("INSERT INTO t VALUES (?, ?)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(insert->Bind(1, std::string_view("x\0y", 3))
                  .Bind(2, int64_t{1} << 40)
                  .Run());
  EXPECT_EQ(db.Changes(), 1);
  auto select = db.Prepare("SELECT a, b FROM t");
  ASSERT_TRUE(select);
  ASSERT_TRUE(select->Step().value());
  EXPECT_EQ(select->ColumnText(0), std::string("x\0y", 3));
  EXPECT_EQ(select->ColumnInt(1), int64_t{1} << 40);
  EXPECT_FALSE(select->Step().value());
}

TEST_F(SqliteTest, UsesWalAndForeignKeys) {
  Database db = OpenDb();
  auto mode = db.Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode && mode->Step().value());
  EXPECT_EQ(mode->ColumnText(0), "wal");
  auto fk = db.Prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk && fk->Step().value());
  EXPECT_EQ(fk->ColumnInt(0), 1);
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  Database db = OpenDb();
  ASSERT_TRUE(db.Exec("CREATE TABLE t (a INTEGER)"));
  {
    auto txn = Transaction::Begin(db, Transaction::Mode::kImmediate);
    ASSERT_TRUE(txn);
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (1)"));
  }
  {
    auto txn = Transaction::Begin(db, Transaction::Mode::kImmediate);
    ASSERT_TRUE(txn);
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (2)"));
    ASSERT_TRUE(txn->Commit());
  }
  auto select = db.Prepare("SELECT group_concat(a) FROM t");
  ASSERT_TRUE(select && select->Step().value());
  EXPECT_EQ(select->ColumnText(0), "2");
}

TEST_F(SqliteTest, ErrorsNameTheFileAndTheStatement) {
  Database db = OpenDb();
  auto bad = db.Prepare("SELECT * FROM missing");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "index.db: prepare \"SELECT * FROM missing\": no such table: "
            "missing");
  auto exec = db.Exec("DROP TABLE missing");
  ASSERT_FALSE(exec);
  EXPECT_EQ(exec.error().message(),
            "index.db: DROP TABLE missing: no such table: missing");
}

TEST_F(SqliteTest, BusyWriterTimesOutWithLockedError) {
  Database first = OpenDb();
  Database second = OpenDb(milliseconds(50));
  auto held = Transaction::Begin(first, Transaction::Mode::kImmediate);
  ASSERT_TRUE(held);
  auto blocked = Transaction::Begin(second, Transaction::Mode::kImmediate);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().message(),
            "index.db: BEGIN IMMEDIATE: database is locked");
  // Readers are not blocked by a writer in WAL mode.
  auto read = Transaction::Begin(second, Transaction::Mode::kDeferred);
  EXPECT_TRUE(read);
}

TEST_F(SqliteTest, OpenFailureNamesTheFile) {
  auto db =
      Database::Open(dir_.path() + "/no/such/dir/index.db", milliseconds(10));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message().rfind("open index.db: ", 0), 0u)
      << db.error().message();
}

TEST_F(SqliteTest, MigrationIsIdempotentAndRefusesNewerFiles) {
  Database db = OpenDb();
  EXPECT_EQ(SchemaVersion(db).value(), 0);
  ASSERT_TRUE(MigrateSchema(db));
  EXPECT_EQ(SchemaVersion(db).value(), kSchemaVersion);
  ASSERT_TRUE(MigrateSchema(db));
  EXPECT_EQ(SchemaVersion(db).value(), kSchemaVersion);
  ASSERT_TRUE(db.Exec("UPDATE schema_version SET version = 99"));
  auto newer = MigrateSchema(db);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(newer.error().message(),
            "index.db has schema version 99, newer than this zlayer "
            "understands (" +
                std::to_string(kSchemaVersion) + ")");
}

}  // namespace
}  // namespace zlayer::store
