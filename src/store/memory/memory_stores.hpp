#pragma once
// Private to src/store/memory: the factories open_memory_stores() assembles.
// Each store keeps its records in ordered maps behind its own mutex; every
// operation holds the mutex for its whole duration, which makes the
// compare-and-set operations atomic.
#include "store/stores.hpp"

#include <memory>

namespace gatehouse::store::memory {

std::unique_ptr<UserStore> make_user_store();
std::unique_ptr<ClientStore> make_client_store();
std::unique_ptr<AuthorizationCodeStore> make_authorization_code_store();
std::unique_ptr<GrantStore> make_grant_store();
std::unique_ptr<SigningKeyStore> make_signing_key_store();
std::unique_ptr<RevocationStore> make_revocation_store();
std::unique_ptr<RateLimitStore> make_rate_limit_store();
std::unique_ptr<LoginFailureStore> make_login_failure_store();
std::unique_ptr<ClientAssertionStore> make_client_assertion_store();
std::unique_ptr<UpstreamTokenStore> make_upstream_token_store();
std::unique_ptr<TaskStore> make_task_store();

}  // namespace gatehouse::store::memory
