#pragma once
// What the authorization server's endpoints share: settings, stores, keys,
// the token minting service, the clock and the random source.
#include "crypto/random.hpp"
#include "oauth/settings.hpp"
#include "oauth/token/access_token.hpp"
#include "oauth/token/signing_keys.hpp"
#include "store/stores.hpp"
#include "time/clock.hpp"

#include <functional>

namespace gatehouse::oauth {

// What other parts of the server do when a grant comes or goes (the
// upstream token vault: activate the tokens of a new grant, revoke them at
// the provider with the grant). Both may be empty.
struct GrantHooks {
  std::function<void(const std::string& grant_id)> created;
  std::function<void(const std::string& grant_id)> revoked;
};

struct ServerContext {
  const Settings& settings;
  store::Stores& stores;
  const SigningKeys& keys;
  RevokedGrants& revoked;
  const AccessTokens& tokens;
  // What the endpoints read the time from and draw ids, codes and secrets
  // from; fakes in tests (tests/support/oauth_fixture.hpp).
  const time::Clock& clock = time::system_clock();
  crypto::Random& random = crypto::system_random();
  GrantHooks grant_hooks;

  // The clock's wall time in Unix seconds, the unit of the stores.
  std::int64_t now() const { return clock.unix_seconds(); }
};

// hex SHA-256: how codes, refresh tokens and client secrets are stored.
std::string token_hash(std::string_view secret);

// Revokes a grant everywhere: the store, the shared revocation list (other
// instances), and this instance's set (its access tokens stop at once).
// `reason` becomes the invalid_token description its access tokens get.
void revoke_grant(ServerContext& ctx, const std::string& grant_id, std::string reason = {});

}  // namespace gatehouse::oauth
