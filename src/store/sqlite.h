// A thin RAII layer over the SQLite C API for the store index: a connection,
// prepared statements and transactions that roll back unless committed.
// Errors carry SQLite's own message and what was being done:
// "index.db: begin transaction: database is locked".
#ifndef ZLAYER_STORE_SQLITE_H_
#define ZLAYER_STORE_SQLITE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "zlayer/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace zlayer::store {

class Statement;

class Database {
 public:
  // Opens (creating) the database at `path` in WAL mode with foreign keys
  // on, synchronous=FULL and a busy timeout. FULL matters in WAL mode: GC
  // unlinks blobs right after a removal commits, and a commit that a power
  // loss could roll back would leave rows pointing at deleted blobs.
  static Result<Database> Open(const std::string& path,
                               std::chrono::milliseconds busy_timeout);

  Database() = default;
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // "<name>: <what>: <sqlite message>" for the current error.
  std::unexpected<Error> Failure(std::string_view what) const;
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };

  Database(sqlite3* db, std::string name) : db_(db), name_(std::move(name)) {}

  std::unique_ptr<sqlite3, Closer> db_;
  std::string name_;  // the file name, for error messages
};

// A prepared statement. Bind errors are remembered and reported by the next
// Step(), so binds chain without checks in between.
class Statement {
 public:
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);

  // True when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();

  std::string ColumnText(int column) const;
  int64_t ColumnInt(int column) const;

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };

  Statement(const Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  const Database* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  int bind_error_ = 0;
};

// BEGIN ... COMMIT, rolled back by the destructor unless committed.
class Transaction {
 public:
  // kImmediate takes the write lock up front: a deferred transaction that
  // later writes can fail with SQLITE_BUSY without waiting when another
  // connection wrote in between, so every writer uses kImmediate.
  enum class Mode { kDeferred, kImmediate };

  static Result<Transaction> Begin(Database& db, Mode mode);

  Transaction(Transaction&& other) noexcept
      : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}

  Database* db_;  // null once committed or rolled back
};

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_SQLITE_H_
