#include "store/sqlite.h"

#include <sqlite3.h>

#include <thread>

namespace zlayer::store {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Switching to WAL needs a moment of exclusive access, which a concurrent
// opener can hold; SQLite reports that as SQLITE_BUSY without always
// consulting the busy handler, so retry here within the same time budget.
Status EnableWal(Database& db, std::chrono::milliseconds budget) {
  auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(Statement pragma,
                        db.Prepare("PRAGMA journal_mode=WAL"));
    auto row = pragma.Step();
    if (row && *row) {
      std::string mode = pragma.ColumnText(0);
      if (mode == "wal") return Ok();
      return Fail(
          "index.db: cannot use WAL journaling (the filesystem left "
          "it in \"" +
              mode + "\" mode)",
          ErrorKind::kUnsupported);
    }
    int code = sqlite3_errcode(db.handle()) & 0xff;
    if (code != SQLITE_BUSY && code != SQLITE_LOCKED) {
      return row ? db.Failure("enable WAL") : std::unexpected(row.error());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::unexpected(row.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const {
  sqlite3_finalize(stmt);
}

Result<Database> Database::Open(const std::string& path,
                                std::chrono::milliseconds busy_timeout) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Database db(raw, BaseName(path));
  if (rc != SQLITE_OK) {
    std::string message =
        raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Fail("open " + db.name_ + ": " + message, ErrorKind::kIo);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));
  ZL_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=ON"));
  ZL_RETURN_IF_ERROR(EnableWal(db, busy_timeout));
  ZL_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=FULL"));
  return db;
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Ok();
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  std::string first_line = text.substr(0, text.find('\n'));
  return Fail(name_ + ": " + first_line + ": " + detail, ErrorKind::kIo);
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(),
                              static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Failure("prepare \"" + std::string(sql) + "\"");
  }
  return Statement(this, stmt);
}

int64_t Database::Changes() const { return sqlite3_changes64(db_.get()); }

std::unexpected<Error> Database::Failure(std::string_view what) const {
  return Fail(
      name_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_.get()),
      ErrorKind::kIo);
}

Statement& Statement::Bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Result<bool> Statement::Step() {
  const char* sql = sqlite3_sql(stmt_.get());
  if (bind_error_ != 0) {
    return Fail("index.db: bind parameters of \"" + std::string(sql) +
                    "\": " + sqlite3_errstr(bind_error_),
                ErrorKind::kIo);
  }
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Failure("run \"" + std::string(sql) + "\"");
}

Status Statement::Run() {
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Ok();
  }
}

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(
      reinterpret_cast<const char*>(text),
      static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

Result<Transaction> Transaction::Begin(Database& db, Mode mode) {
  ZL_RETURN_IF_ERROR(
      db.Exec(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  // A failed ROLLBACK (the connection already rolled back after an I/O
  // error) leaves nothing to undo, so its status is not interesting.
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Database* db = std::exchange(db_, nullptr);
  auto status = db->Exec("COMMIT");
  // A failed COMMIT may leave the transaction open (SQLITE_BUSY); make sure
  // the connection is usable for the next caller.
  if (!status && !sqlite3_get_autocommit(db->handle())) {
    (void)db->Exec("ROLLBACK");
  }
  return status;
}

}  // namespace zlayer::store
