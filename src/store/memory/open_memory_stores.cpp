#include "store/memory/memory_stores.hpp"
#include "store/stores.hpp"

namespace gatehouse::store {

Stores open_memory_stores() {
  return Stores{
      .users = memory::make_user_store(),
      .clients = memory::make_client_store(),
      .codes = memory::make_authorization_code_store(),
      .grants = memory::make_grant_store(),
      .signing_keys = memory::make_signing_key_store(),
      .revocations = memory::make_revocation_store(),
      .rate_limits = memory::make_rate_limit_store(),
      .login_failures = memory::make_login_failure_store(),
      .client_assertions = memory::make_client_assertion_store(),
      .upstream_tokens = memory::make_upstream_token_store(),
      .tasks = memory::make_task_store(),
  };
}

}  // namespace gatehouse::store
