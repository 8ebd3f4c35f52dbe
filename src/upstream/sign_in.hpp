#pragma once
// Signing a user in through the upstream provider in the middle of an MCP
// client's authorization (RFC 6749 §4.1 as the provider's client):
//
//   /authorize (validated) -- begin() --> 302 to the provider, with a
//        cookie holding this sign-in's PKCE verifier, nonce and the MCP
//        authorization request, encrypted (AES-256-GCM, the state as
//        associated data) and expiring with it
//   /oauth/upstream/callback?code&state -- finish() --> the tokens redeemed,
//        the ID token checked, the user allowed, mapped to a Gatehouse
//        user, the tokens sealed in the vault under a new grant id; the
//        authorization request continues to consent
//
// The pending sign-in is bound to the browser (only the browser that began
// it holds its cookie), to `state` (a cookie per state), is single use (the
// state is recorded as used before the code is redeemed) and expires.
#include "crypto/random.hpp"
#include "net/form.hpp"
#include "store/client_assertion_store.hpp"
#include "store/user_store.hpp"
#include "upstream/allowlist.hpp"
#include "upstream/provider.hpp"
#include "upstream/token_vault.hpp"
#include "time/clock.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace gatehouse::upstream {

struct SignInOptions {
  std::string callback_url;  // <issuer>/oauth/upstream/callback, registered at the provider
  std::chrono::seconds lifetime{600};
  Allowlist allow;
  bool want_organizations = false;  // GitHub: read /user/orgs for the allowlist
};

class SignIn {
 public:
  SignIn(Provider& provider, TokenVault& vault, store::UserStore& users, store::ClientAssertionStore& used_states,
         SignInOptions options, const time::Clock& clock = time::system_clock(),
         crypto::Random& random = crypto::system_random());

  struct Started {
    std::string location;      // the provider's authorization URL
    std::string cookie_name;   // without the __Host- prefix: the endpoint adds it
    std::string cookie_value;  // the encrypted pending sign-in
    std::int64_t cookie_max_age = 0;
  };
  struct Refusal {
    unsigned status;  // 400, 403, 502
    std::string heading, message;
  };
  struct Finished {
    std::string request;  // the sealed MCP authorization request begin() was given
    std::string user_id, username;
    std::string grant_id;  // chosen now; the vault holds the tokens under it
    std::string cookie_name;  // the pending sign-in's cookie, to clear
  };

  // `request`: the MCP authorization request, sealed by the authorize endpoint.
  boost::asio::awaitable<std::variant<Started, Refusal>> begin(std::string request);
  // The provider's answer at the callback. `cookie` looks a cookie up by
  // its name without prefix.
  boost::asio::awaitable<std::variant<Finished, Refusal>> finish(
      const net::Form& query, std::function<std::optional<std::string>(std::string_view)> cookie);

  const Provider& provider() const { return provider_; }
  const SignInOptions& options() const { return options_; }

 private:
  std::int64_t now() const;
  // The Gatehouse user for this upstream identity, created on first sign-in.
  std::variant<store::User, Refusal> user_for(const Identity& identity);

  Provider& provider_;
  TokenVault& vault_;
  store::UserStore& users_;
  store::ClientAssertionStore& used_states_;
  SignInOptions options_;
  const time::Clock& clock_;
  crypto::Random& random_;  // state, nonce, PKCE verifier, grant ids
};

// The cookie name a pending sign-in for `state` is kept under.
std::string pending_cookie_name(std::string_view state);

}  // namespace gatehouse::upstream
