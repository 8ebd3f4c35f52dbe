#pragma once
// The upstream token vault: per Gatehouse grant, the user's tokens at the
// upstream provider, sealed at rest (vault_keys.hpp, store/
// upstream_token_store.hpp) and handed to tools fresh.
//
//   vault.put_pending(grant_id, user_id, tokens, identity);  // at sign-in
//   vault.activate(grant_id);                                 // code exchanged
//   auto access = co_await vault.access(grant_id);           // a tool call
//
// access():
//   - answers from memory while the access token has more than
//     `refresh_ahead` left (a tool call then touches no database);
//   - otherwise refreshes it, single flight per grant: concurrent calls
//     for one grant wait for one upstream refresh (fetch_cache.hpp);
//   - persists a rotated refresh token (compare-and-set on the record's
//     version) before the new access token is used; when another instance
//     refreshed first, its tokens are taken instead;
//   - when the provider refuses the refresh (invalid_grant), marks the
//     record needs_reauthorization and calls `on_reauthorization` (which
//     revokes the Gatehouse grant: its MCP requests then get 401
//     invalid_token, and the client runs the authorization again).
//
// Tokens never reach logs or errors: failures name the grant and the
// provider's error code only.
#include "oauth/client/fetch_cache.hpp"
#include "store/grant_store.hpp"
#include "store/upstream_token_store.hpp"
#include "upstream/identity.hpp"
#include "upstream/provider.hpp"
#include "upstream/vault_keys.hpp"
#include "time/clock.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace gatehouse::upstream {

// What a tool gets: a usable access token and who it belongs to (when the
// user signed in upstream), and the values of the connect form (when there
// is one).
struct Access {
  std::string access_token;  // "" without an upstream sign-in
  std::string token_type;
  std::int64_t expires_at = 0;
  std::string scope;
  Identity identity;
  boost::json::object connection;  // field name -> value
};

struct AccessFailure {
  enum class Kind {
    none,                   // the grant has no upstream tokens (a local sign-in)
    needs_reauthorization,  // the provider refused the refresh: authorize again
    unavailable,            // the provider or the store failed; try again later
  };
  Kind kind;
  std::string message;  // for the tool's error and the log; never a token
};

class TokenVault {
 public:
  // Called (once per grant) when the provider refused a refresh.
  using ReauthorizationHook = std::function<void(const std::string& grant_id)>;

  // `provider`: null when nobody signs in upstream (the vault then holds
  // connect-form values only).
  TokenVault(store::UpstreamTokenStore& store, VaultKeys keys, Provider* provider, ReauthorizationHook hook,
             const time::Clock& clock = time::system_clock());

  // Seals the tokens of a completed sign-in (or, with null tokens, only
  // connect-form values) under a grant id chosen now. Throws
  // store::StoreError when the store fails.
  void put_pending(const std::string& grant_id, const std::string& user_id, const TokenSet* tokens,
                   const Identity* identity, const boost::json::object& connection = {});
  // Adds connect-form values to a pending record (an upstream sign-in that
  // is followed by the form). False when there is no such pending record.
  bool set_connection(const std::string& grant_id, const boost::json::object& connection);
  // The user a pending record belongs to; nullopt when there is no pending
  // record for `grant_id` (or the store fails).
  std::optional<std::string> pending_user(const std::string& grant_id);
  // The code for `grant_id` was exchanged: the grant exists now.
  void activate(const std::string& grant_id);

  // Shared and immutable: answered from memory without a copy.
  boost::asio::awaitable<std::variant<std::shared_ptr<const Access>, AccessFailure>> access(const std::string& grant_id);

  // Revokes the grant's tokens at the provider (where it has a revocation
  // endpoint) and removes the record. A record that needs
  // re-authorization stays, emptied of tokens and connect-form values, so
  // `gatehouse grants list` can say why the grant ended. Safe for unknown
  // grants.
  boost::asio::awaitable<void> revoke(std::string grant_id);
  // Follows grants revoked or removed elsewhere (`gatehouse grants revoke`,
  // expiry): their tokens are revoked and their records removed.
  boost::asio::awaitable<void> sweep(store::GrantStore& grants);
  // Removes pending records older than `age` (sign-ins never completed)
  // and revokes their tokens.
  boost::asio::awaitable<void> remove_abandoned(std::chrono::seconds age);

  // Seals and opens other values under the vault's keys (the pending
  // upstream sign-in's cookie); the same key reload as the records.
  std::string seal_value(std::string_view associated_data, std::string_view plaintext) const;
  std::optional<std::string> open_value(std::string_view associated_data, std::string_view sealed);

  // Where newer keys come from after `gatehouse keys rotate-vault` ran while
  // the server runs: read again when `stamp` (e.g. the key files' times and
  // sizes) changes, checked by follow_key_changes(), and when a value names
  // a key this vault does not know (at most once every 10 seconds). Unset:
  // never.
  void reload_keys_with(std::function<VaultKeys()> reload, std::function<std::string()> stamp = {});
  // Reads the keys again when their stamp changed; call now and then.
  void follow_key_changes();
  bool keys_from_environment() const { return keys()->from_environment(); }

  // Seals every record that is not sealed under the active key anew under
  // it (after a rotation). Records no configured key opens are counted,
  // left as they are, and logged.
  struct Resealed {
    std::size_t resealed = 0, current = 0, unreadable = 0;
  };
  Resealed reseal_all();
  Provider* provider() { return provider_; }

 private:
  struct Opened {
    TokenSet tokens;
    Identity identity;
    boost::json::object connection;
  };
  std::string seal(const std::string& grant_id, const Opened& opened) const;
  std::optional<Opened> open(const store::UpstreamTokenRecord& record);
  // The fetch behind the cache: read, refresh when due, persist.
  boost::asio::awaitable<oauth::FetchCache<Access>::FetchResult> load(std::string grant_id);
  std::int64_t now() const;

  store::UpstreamTokenStore& store_;
  std::shared_ptr<const VaultKeys> keys() const;
  // Reads the keys again when `sealed` names an unknown key; true when the
  // keys changed.
  bool reload_for(std::string_view sealed);

  mutable std::mutex keys_mutex_;
  std::shared_ptr<const VaultKeys> keys_;
  // Replaces the keys with reload_()'s; false (and logged) when that fails.
  bool reload();
  std::function<VaultKeys()> reload_;
  std::function<std::string()> stamp_;
  std::string last_stamp_;  // guarded by keys_mutex_
  std::atomic<std::int64_t> last_reload_{0};
  Provider* provider_;
  ReauthorizationHook on_reauthorization_;
  const time::Clock& clock_;
  oauth::FetchCache<Access> cache_;
};

}  // namespace gatehouse::upstream
