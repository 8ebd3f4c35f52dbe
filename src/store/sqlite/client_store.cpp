// SQLite ClientStore: the `clients` table. The three string lists are JSON
// arrays, written here and read back with SQLite's json_each.
#include "store/sqlite/database.hpp"

#include <cstdio>

namespace gatehouse::store::sqlite {
namespace {

// A JSON array of strings (RFC 8259 §7): quotes, backslashes and control
// characters escaped, every other byte as is.
std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (unsigned char c : item) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out += escaped;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

// A row as read: the three lists still JSON text, decoded after the row's
// statement is done (decoding runs another statement).
struct Row {
  Client client;
  std::string redirect_uris, grant_types, response_types;
};

class SqliteClientStore final : public ClientStore {
 public:
  explicit SqliteClientStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  bool add(const Client& c) override {
    auto lock = db_->lock();
    // DO NOTHING covers both the primary key and the fingerprint index.
    return db_->prepare(
                  "INSERT INTO clients (client_id, secret_hash, client_name, redirect_uris, grant_types,"
                  " response_types, token_endpoint_auth_method, scope, kind, metadata_json, fingerprint,"
                  " created_at, last_used_at, application_type)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT DO NOTHING")
               .bind(c.client_id, c.secret_hash, c.client_name, json_array(c.redirect_uris),
                     json_array(c.grant_types), json_array(c.response_types), c.token_endpoint_auth_method, c.scope,
                     to_string(c.kind), c.metadata_json, c.fingerprint, c.created_at, c.last_used_at,
                     c.application_type)
               .run() == 1;
  }

  std::optional<Client> find(std::string_view client_id) override {
    auto lock = db_->lock();
    return find_one(
        "SELECT client_id, secret_hash, client_name, redirect_uris, grant_types, response_types,"
        " token_endpoint_auth_method, scope, kind, metadata_json, fingerprint, created_at, last_used_at,"
        " application_type"
        " FROM clients WHERE client_id = ?1",
        client_id);
  }

  std::optional<Client> find_by_fingerprint(std::string_view fingerprint) override {
    if (fingerprint.empty()) return std::nullopt;
    auto lock = db_->lock();
    return find_one(
        "SELECT client_id, secret_hash, client_name, redirect_uris, grant_types, response_types,"
        " token_endpoint_auth_method, scope, kind, metadata_json, fingerprint, created_at, last_used_at,"
        " application_type"
        " FROM clients WHERE fingerprint = ?1",
        fingerprint);
  }

  bool remove(std::string_view client_id) override {
    auto lock = db_->lock();
    return db_->prepare("DELETE FROM clients WHERE client_id = ?1").bind(client_id).run() == 1;
  }

  std::vector<Client> list() override {
    auto lock = db_->lock();
    std::vector<Row> rows;
    {
      auto q = db_->prepare(
          "SELECT client_id, secret_hash, client_name, redirect_uris, grant_types, response_types,"
          " token_endpoint_auth_method, scope, kind, metadata_json, fingerprint, created_at, last_used_at,"
        " application_type"
          " FROM clients ORDER BY created_at, client_id");
      while (q.step()) rows.push_back(read_row(q));
    }
    std::vector<Client> out;
    out.reserve(rows.size());
    for (auto& row : rows) out.push_back(decode(std::move(row)));
    return out;
  }

  bool touch(std::string_view client_id, std::int64_t now) override {
    auto lock = db_->lock();
    return db_->prepare("UPDATE clients SET last_used_at = ?2 WHERE client_id = ?1").bind(client_id, now).run() == 1;
  }

  std::size_t remove_unused(ClientKind kind, std::int64_t created_before) override {
    auto lock = db_->lock();
    return static_cast<std::size_t>(
        db_->prepare("DELETE FROM clients WHERE kind = ?1 AND last_used_at = 0 AND created_at < ?2")
            .bind(to_string(kind), created_before)
            .run());
  }

 private:
  Row read_row(const Statement& q) const {
    auto kind = parse_client_kind(q.text(8));
    if (!kind) throw StoreError("store " + db_->file() + ": client " + q.text(0) + " has unknown kind " + q.text(8));
    return Row{
        .client =
            Client{
                .client_id = q.text(0),
                .secret_hash = q.text(1),
                .client_name = q.text(2),
                .token_endpoint_auth_method = q.text(6),
                .scope = q.text(7),
                .application_type = q.text(13),
                .kind = *kind,
                .metadata_json = q.text(9),
                .fingerprint = q.text(10),
                .created_at = q.integer(11),
                .last_used_at = q.integer(12),
            },
        .redirect_uris = q.text(3),
        .grant_types = q.text(4),
        .response_types = q.text(5),
    };
  }

  std::vector<std::string> decode_list(const std::string& json) {
    auto q = db_->prepare("SELECT value FROM json_each(?1) ORDER BY key");
    q.bind(json);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    return out;
  }

  Client decode(Row row) {
    row.client.redirect_uris = decode_list(row.redirect_uris);
    row.client.grant_types = decode_list(row.grant_types);
    row.client.response_types = decode_list(row.response_types);
    return std::move(row.client);
  }

  std::optional<Client> find_one(const char* sql, std::string_view key) {
    std::optional<Row> row;
    {
      auto q = db_->prepare(sql);
      q.bind(key);
      if (q.step()) row = read_row(q);
    }
    if (!row) return std::nullopt;
    return decode(std::move(*row));
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<ClientStore> make_client_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteClientStore>(std::move(db));
}

}  // namespace gatehouse::store::sqlite
