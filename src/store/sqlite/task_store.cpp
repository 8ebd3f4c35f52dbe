// SQLite TaskStore: the `tasks` table.
#include "store/sqlite/database.hpp"

#include <algorithm>
#include <limits>

namespace gatehouse::store::sqlite {
namespace {

// The columns read() reads, in its order.
#define GATEHOUSE_TASK_COLUMNS                                                                              \
  "SELECT id, owner, tool, status, status_message, input_requests, result, error, created_at_ms,"          \
  " updated_at_ms, ttl_ms, expires_at_ms FROM tasks"

class SqliteTaskStore final : public TaskStore {
 public:
  explicit SqliteTaskStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  TaskAdd add(const TaskRecord& r, const TaskLimits& limits, std::int64_t now_ms) override {
    auto lock = db_->lock();
    // Count and insert in one IMMEDIATE transaction: another process on the
    // same file cannot slip a task in between, so the bounds hold.
    Transaction tx(*db_);
    if (db_->prepare("SELECT 1 FROM tasks WHERE id = ?1").bind(r.id).step()) return TaskAdd::duplicate_id;
    if (count(db_->prepare("SELECT COUNT(*) FROM tasks WHERE owner = ?1 AND expires_at_ms > ?2"
                           " AND status IN ('working', 'input_required')"),
              r.owner, now_ms) >= limits.max_active)
      return TaskAdd::too_many_active;
    if (count(db_->prepare("SELECT COUNT(*) FROM tasks WHERE owner = ?1 AND expires_at_ms > ?2"), r.owner, now_ms) >=
        limits.max_kept)
      return TaskAdd::too_many_kept;
    db_->prepare(
           "INSERT INTO tasks (id, owner, tool, status, status_message, input_requests, result, error,"
           " created_at_ms, updated_at_ms, ttl_ms, expires_at_ms)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
        .bind(r.id, r.owner, r.tool, to_string(r.status), r.status_message, r.input_requests, r.result, r.error,
              r.created_at_ms, r.updated_at_ms, r.ttl_ms, r.expires_at_ms)
        .run();
    tx.commit();
    return TaskAdd::added;
  }

  std::optional<TaskRecord> find(std::string_view id, std::string_view owner, std::int64_t now_ms) override {
    auto lock = db_->lock();
    auto q = db_->prepare(GATEHOUSE_TASK_COLUMNS " WHERE id = ?1 AND owner = ?2 AND expires_at_ms > ?3");
    q.bind(id, owner, now_ms);
    if (!q.step()) return std::nullopt;
    return read(q);
  }

  bool update(const TaskRecord& r) override {
    auto lock = db_->lock();
    // One statement: the terminal check and the write cannot be split by
    // another writer (a cancel racing the handler's completion).
    return db_->prepare(
                  "UPDATE tasks SET status = ?2, status_message = ?3, input_requests = ?4, result = ?5, error = ?6,"
                  " updated_at_ms = ?7, expires_at_ms = ?8"
                  " WHERE id = ?1 AND status IN ('working', 'input_required')")
               .bind(r.id, to_string(r.status), r.status_message, r.input_requests, r.result, r.error,
                     r.updated_at_ms, r.expires_at_ms)
               .run() == 1;
  }

  std::vector<TaskRecord> list(std::string_view owner, std::int64_t now_ms, std::string_view after_id,
                               std::size_t limit) override {
    // LIMIT takes a signed 64-bit value; larger means "all" anyway.
    const auto bounded = static_cast<std::int64_t>(
        std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
    auto lock = db_->lock();
    std::vector<TaskRecord> out;
    if (after_id.empty()) {
      auto q = db_->prepare(GATEHOUSE_TASK_COLUMNS " WHERE owner = ?1 AND expires_at_ms > ?2"
                                                   " ORDER BY created_at_ms, id LIMIT ?3");
      q.bind(owner, now_ms, bounded);
      while (q.step()) out.push_back(read(q));
      return out;
    }
    // Keyset paging after the cursor's (created_at_ms, id). A cursor the
    // caller could not see (unknown, expired, another owner's) makes the
    // subquery empty, the comparison NULL, and the page empty.
    auto q = db_->prepare(GATEHOUSE_TASK_COLUMNS
                          " WHERE owner = ?1 AND expires_at_ms > ?2 AND (created_at_ms, id) >"
                          " (SELECT created_at_ms, id FROM tasks WHERE id = ?3 AND owner = ?1 AND expires_at_ms > ?2)"
                          " ORDER BY created_at_ms, id LIMIT ?4");
    q.bind(owner, now_ms, after_id, bounded);
    while (q.step()) out.push_back(read(q));
    return out;
  }

  std::size_t remove_expired(std::int64_t now_ms) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(db_->prepare("DELETE FROM tasks WHERE expires_at_ms <= ?1").bind(now_ms).run());
  }

  std::size_t fail_unfinished(std::string_view error, std::string_view status_message, std::int64_t now_ms) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(
        db_->prepare(
               "UPDATE tasks SET status = 'failed', error = ?1, status_message = ?2, updated_at_ms = ?3, input_requests = ''"
               " WHERE status IN ('working', 'input_required')")
            .bind(error, status_message, now_ms)
            .run());
  }

 private:
  static std::size_t count(Statement&& q, std::string_view owner, std::int64_t now_ms) {
    q.bind(owner, now_ms);
    return q.step() ? static_cast<std::size_t>(q.integer(0)) : 0;
  }

  TaskRecord read(const Statement& q) const {
    auto status = parse_task_status(q.text(3));
    if (!status) throw StoreError("store " + db_->file() + ": task " + q.text(0) + " has unknown status");
    return TaskRecord{.id = q.text(0),
                      .owner = q.text(1),
                      .tool = q.text(2),
                      .status = *status,
                      .status_message = q.text(4),
                      .input_requests = q.text(5),
                      .result = q.text(6),
                      .error = q.text(7),
                      .created_at_ms = q.integer(8),
                      .updated_at_ms = q.integer(9),
                      .ttl_ms = q.integer(10),
                      .expires_at_ms = q.integer(11)};
  }

  std::shared_ptr<Database> db_;
};

#undef GATEHOUSE_TASK_COLUMNS

}  // namespace

std::unique_ptr<TaskStore> make_task_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteTaskStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
