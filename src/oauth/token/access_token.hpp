#pragma once
// Access tokens: ES256 JWTs (RFC 9068 profile) carrying iss, aud (the
// resource), sub, client_id, scope, iat, exp, jti and the grant id. They are
// verified locally — the hot path of every MCP request touches no database —
// and a verified token is cached until it expires.
// Revocation reaches verification through RevokedGrants, refreshed from the
// store in the background.
#include "crypto/random.hpp"
#include "oauth/error.hpp"
#include "oauth/settings.hpp"
#include "oauth/token/signing_keys.hpp"
#include "time/clock.hpp"

#include <gatehouse/principal.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>

namespace gatehouse::oauth {

struct AccessTokenRequest {
  std::string subject;
  std::string client_id;
  std::vector<std::string> scopes;
  std::string grant_id;
  std::string resource;  // the audience; Settings::resource when empty
};

struct IssuedAccessToken {
  std::string token;
  std::int64_t expires_in;  // seconds
};

// Grants revoked recently enough that tokens from them may still be alive.
class RevokedGrants {
 public:
  bool contains(const std::string& grant_id) const;
  // The invalid_token description for a revoked grant's tokens (RS3): the
  // reason given to add(), else "the access token was revoked"; nullopt
  // when the grant is not revoked.
  std::optional<std::string> refusal(const std::string& grant_id) const;
  // The revoked set as the store has it now; reasons known here are kept.
  void replace(std::unordered_set<std::string> ids);
  // `reason`, e.g. that the upstream sign-in ended, tells the client why.
  void add(const std::string& grant_id, std::string reason = {});

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> ids_;  // id -> reason ("" : plain revocation)
};

class AccessTokens {
 public:
  // `clock` times iat/exp and expiry; `random` draws each token's jti.
  AccessTokens(const Settings& settings, const SigningKeys& keys, const RevokedGrants& revoked,
               const time::Clock& clock = time::system_clock(), crypto::Random& random = crypto::system_random());

  // Signs a new token with the active key; nullopt when there is no key.
  std::optional<IssuedAccessToken> issue(const AccessTokenRequest& request) const;

  // The principal of a valid token, or invalid_token saying why (RS3): bad
  // format or signature, another issuer or audience (RS4), expired, revoked.
  std::variant<Principal, Error> verify(std::string_view token) const;

  std::size_t cache_size() const;

 private:
  struct Cached {
    Principal principal;
    std::int64_t expires_at;
  };
  std::variant<Principal, Error> verify_uncached(std::string_view token, std::int64_t& expires_at) const;

  const Settings& settings_;
  const SigningKeys& keys_;
  const RevokedGrants& revoked_;
  const time::Clock& clock_;
  crypto::Random& random_;
  // Keyed by the token itself: a lookup hashes it once, allocates nothing,
  // and compares the whole token (no digest to compute on the hot path).
  struct TokenHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  mutable std::shared_mutex cache_mutex_;
  mutable std::unordered_map<std::string, Cached, TokenHash, std::equal_to<>> cache_;
};

}  // namespace gatehouse::oauth
