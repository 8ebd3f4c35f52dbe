#include "store/sqlite/database.hpp"
#include "store/stores.hpp"

namespace gatehouse::store {

Stores open_sqlite_stores(const std::filesystem::path& file) {
  auto db = std::make_shared<sqlite::Database>(file);
  return Stores{
      .users = sqlite::make_user_store(db),
      .clients = sqlite::make_client_store(db),
      .codes = sqlite::make_authorization_code_store(db),
      .grants = sqlite::make_grant_store(db),
      .signing_keys = sqlite::make_signing_key_store(db),
      .revocations = sqlite::make_revocation_store(db),
      .rate_limits = sqlite::make_rate_limit_store(db),
      .login_failures = sqlite::make_login_failure_store(db),
      .client_assertions = sqlite::make_client_assertion_store(db),
      .upstream_tokens = sqlite::make_upstream_token_store(db),
      .tasks = sqlite::make_task_store(db),
  };
}

}  // namespace gatehouse::store
