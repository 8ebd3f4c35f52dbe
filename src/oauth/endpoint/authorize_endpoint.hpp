#pragma once
// GET/POST /authorize (RFC 6749 §4.1.1, OAuth 2.1 §4.1; INTEROP AZ1–AZ8):
// checks the request, signs the user in, asks for consent, and sends the
// browser back to the client with a code.
//
// This endpoint validates and decides; the rest lives beside it:
//   oauth/ui/            the pages (sign-in, connect form, consent, errors),
//                        the browser's cookies (browser_session.hpp) and CSRF
//                        tokens (csrf.hpp)
//   oauth/grant/         the code and the response that carries it to the
//                        client (authorization_response.hpp)
//
// The validated request travels between the pages sealed in a hidden form
// field (HMAC, 10 minutes), so any instance can continue a flow another
// started. Forms carry a CSRF token bound to a per-browser cookie and to the
// sealed request.
#include "crypto/sealer.hpp"
#include "net/form.hpp"
#include "net/http.hpp"
#include "oauth/client/client_resolver.hpp"
#include "oauth/context.hpp"
#include "oauth/password_verifier.hpp"
#include "oauth/ui/browser_session.hpp"
#include "oauth/ui/flow_page.hpp"
#include "store/login_failure_store.hpp"
#include "upstream/connect_form.hpp"
#include "upstream/sign_in.hpp"
#include "upstream/token_vault.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/status.hpp>

namespace gatehouse::oauth {

struct AuthorizeOptions {
  std::string ui_key;  // 32+ secret bytes for the sealed values above
  std::chrono::seconds login_lifetime{12 * 3600};
  // Sign-in attempts per minute from one source (an IPv4 address, an IPv6
  // /64), whatever the user names: one source cannot try many accounts.
  std::int64_t login_attempts_per_source = 30;
  // Failed sign-ins per (user name, source network): a growing wait, never
  // a lock that people elsewhere could trigger (M4).
  store::LoginBackoff login_backoff;
  // scrypt cost and how many hashes run at once (L6).
  PasswordPolicy passwords;
  // Upstream callbacks and connect-form checks a minute from one source:
  // each makes this server send a request elsewhere.
  std::int64_t outbound_per_source = 30;
  // Sign-in through an upstream provider ([login] method "upstream" or
  // "both"); null: local users only.
  upstream::SignIn* upstream = nullptr;
  // Local users' password form; false with method "upstream".
  bool local_login = true;
  // The connect form ([connect]) shown after sign-in and before consent,
  // its optional check, and the vault its values are sealed in. All null
  // without a form.
  const upstream::ConnectForm* connect = nullptr;
  const upstream::ConnectionCheck* connect_check = nullptr;
  upstream::TokenVault* vault = nullptr;
};

class AuthorizeEndpoint {
 public:
  // `clients` resolves the client_id: registered clients and Client ID
  // Metadata Documents (fetched, cached, pinned).
  AuthorizeEndpoint(ServerContext& ctx, ClientResolver& clients, AuthorizeOptions options);
  boost::asio::awaitable<net::Reply> handle(const net::Request& request, const net::Peer& peer);
  // GET /oauth/upstream/callback: the upstream provider sends the browser
  // back here (upstream/sign_in.hpp); the authorization continues to consent.
  boost::asio::awaitable<net::Reply> upstream_callback(const net::Request& request, const net::Peer& peer);

 private:
  struct Flow;
  using Browser = ui::Browser;
  // handle() and upstream_callback() without the store-failure page.
  boost::asio::awaitable<net::Reply> route(const net::Request& request, const net::Peer& peer);
  boost::asio::awaitable<net::Reply> come_back(const net::Request& request, const net::Peer& peer);
  boost::asio::awaitable<net::Reply> start(const net::Request& request);
  boost::asio::awaitable<net::Reply> submit(const net::Request& request, const net::Peer& peer);
  boost::asio::awaitable<net::Reply> sign_in(const net::Request& request, const net::Peer& peer, const net::Form& form,
                                             const Flow& flow, Browser browser);
  // Login page, consent page, or straight back with a code when the user
  // is signed in and remembered consent for this client and these scopes.
  net::Reply show(const Flow& flow, const Browser& browser, std::string notice = {});
  net::Reply login_page(const Flow& flow, const Browser& browser, std::string notice, std::string username,
                        boost::beast::http::status status = boost::beast::http::status::ok);
  net::Reply consent_page(const Flow& flow, const Browser& browser);
  // The connect form; `entered` refills non-secret fields after a mistake.
  net::Reply connect_page(const Flow& flow, const Browser& browser, const net::Form* entered,
                          std::vector<upstream::FieldProblem> problems, std::string notice = {},
                          boost::beast::http::status status = boost::beast::http::status::ok);
  // What every page of the flow carries: the client, its redirect URI, and
  // the forms' hidden fields (`flow` sealed, its CSRF token).
  ui::FlowPage flow_page(const Flow& flow, const Browser& browser) const;
  boost::asio::awaitable<net::Reply> connect(const net::Form& form, const net::Peer& peer, Flow flow, Browser browser);
  // M4-style bound on work a caller can cause elsewhere (a token request to
  // the provider, a connect-form check): `limit` a minute per source.
  std::optional<net::Reply> throttled(std::string_view what, const net::Peer& peer, std::int64_t limit);
  net::Reply approve(const Flow& flow, const Browser& browser, bool remember);
  // 302 to the upstream provider, with the pending sign-in's cookie.
  boost::asio::awaitable<net::Reply> to_upstream(Flow flow, Browser browser);
  // Where a flow without a signed-in user goes: the login page, or the
  // provider when there is no local login.
  boost::asio::awaitable<net::Reply> sign_in_first(const Flow& flow, const Browser& browser, std::string notice = {});

  ServerContext& ctx_;
  ClientResolver& clients_;
  AuthorizeOptions options_;
  ui::BrowserSessions browsers_;
  crypto::Sealer requests_;
  PasswordVerifier passwords_;
};

}  // namespace gatehouse::oauth
