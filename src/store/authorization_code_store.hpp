#pragma once
// Authorization codes (RFC 6749 §4.1.2, OAuth 2.1 §4.1.2), bound to the
// client, redirect URI, PKCE challenge, resource and user they were issued
// for. A code is single use (OAuth 2.1 §4.1.3): `consume` marks it used in
// one atomic step, and a consumed code remembers the grant it produced so a
// replay can revoke that grant (OAuth 2.1 §4.1.2 "If an authorization code is
// used more than once, the authorization server ... SHOULD revoke all tokens
// previously issued based on that authorization code").
//
// Codes are stored only as hashes: callers pass `code_hash` = lowercase hex
// SHA-256 of the code they handed out; the store never sees the code.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::store {

struct AuthorizationCode {
  std::string code_hash;  // hex SHA-256 of the code; the key
  std::string client_id;
  std::string redirect_uri;           // exactly as sent to /authorize
  std::string code_challenge;         // RFC 7636 §4.2
  std::string code_challenge_method;  // "S256"
  std::string resource;               // RFC 8707 resource indicator (the audience)
  std::string scope;                  // space-separated, as consented
  std::string user_id;
  std::int64_t created_at = 0;  // Unix seconds
  std::int64_t expires_at = 0;  // usable while now < expires_at
  std::string extra_json;       // flow data the token endpoint needs (e.g. a sealed
                                // connect-form reference); "" or JSON text

  bool operator==(const AuthorizationCode&) const = default;
};

enum class ConsumeStatus {
  consumed,      // this call marked the code used; exchange it now
  already_used,  // an earlier call consumed it: a replay (revoke `grant_id`)
  not_found,     // never issued, or removed after expiry
  expired,       // unused but now >= expires_at; left unused
};

struct ConsumeResult {
  ConsumeStatus status = ConsumeStatus::not_found;
  std::optional<AuthorizationCode> code;  // the record, unless not_found
  std::int64_t used_at = 0;               // when it was consumed (consumed, already_used)
  std::string grant_id;                   // already_used: the grant recorded by
                                          // set_grant; "" if none was recorded yet
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class AuthorizationCodeStore {
 public:
  virtual ~AuthorizationCodeStore() = default;

  // False, and nothing changes, when the code_hash exists.
  virtual bool add(const AuthorizationCode& code) = 0;
  // The code as stored, used or not, expired or not; changes nothing. The
  // token endpoint checks a code's bindings here before consuming it.
  virtual std::optional<AuthorizationCode> find(std::string_view code_hash) = 0;
  // Atomically marks the code used at `now` if it is unused and unexpired.
  // Of two concurrent calls exactly one gets `consumed`. A used code reports
  // `already_used` even after its expiry, so a late replay is still detected.
  virtual ConsumeResult consume(std::string_view code_hash, std::int64_t now) = 0;
  // Records the grant a consumed code produced. False when the code is
  // unknown or has not been consumed.
  virtual bool set_grant(std::string_view code_hash, std::string_view grant_id) = 0;
  // Removes codes with expires_at <= now, used or not. Returns the count.
  virtual std::size_t remove_expired(std::int64_t now) = 0;
};

}  // namespace gatehouse::store
