#include "oauth/endpoint/authorize_endpoint.hpp"

#include "crypto/random.hpp"
#include "net/form.hpp"
#include "net/log_value.hpp"
#include "net/media_type.hpp"
#include "net/source_network.hpp"
#include "oauth/client/redirect_uri.hpp"
#include "oauth/grant/authorization_response.hpp"
#include "oauth/grant/pkce.hpp"
#include "oauth/resource/resource_uri.hpp"
#include "oauth/scope.hpp"
#include "oauth/ui/connect_page.hpp"
#include "oauth/ui/consent_page.hpp"
#include "oauth/ui/error_page.hpp"
#include "oauth/ui/login_page.hpp"
#include "store/store_error.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

// The per-source limit's key: one IPv4 address, or one IPv6 /64 (a host
// owns a whole /64; source_network.hpp).
std::string source_key(const boost::asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).to_string();
  if (address.is_v4()) return address.to_string();
  return net::source_network(address);
}

using ui::error_page;
using ui::wait_text;
using ui::with_cookies;

}  // namespace

// The validated authorization request, as it travels sealed between pages.
struct AuthorizeEndpoint::Flow {
  std::string client_id, client_name, client_kind, redirect_uri, state, code_challenge, resource, scope;
  std::string verified_host;   // CIMD: the document URL's host (AZ6)
  bool loopback_only = false;  // every redirect URI the client has is loopback (AZ6)
  // After an upstream sign-in: who signed in, and the grant id the vault
  // holds their upstream tokens under. The flow is sealed (HMAC) and its
  // forms CSRF-bound to the browser, so these cannot be forged or moved.
  std::string user_id, username, grant_id;
  bool connected = false;  // the connect form was filled in (its values are in the vault under grant_id)

  json::object to_json() const {
    json::object o{{"c", client_id}, {"n", client_name}, {"k", client_kind}, {"r", redirect_uri}, {"s", state},
                   {"p", code_challenge}, {"a", resource}, {"o", scope}, {"d", verified_host}, {"l", loopback_only}};
    if (!user_id.empty()) {
      o["u"] = user_id;
      o["un"] = username;
    }
    if (!grant_id.empty()) o["g"] = grant_id;
    if (connected) o["cx"] = true;
    return o;
  }
  static Flow from_json(const json::object& o) {
    auto get = [&](std::string_view k) {
      auto* v = o.if_contains(k);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    auto* loopback = o.if_contains("l");
    Flow f{get("c"), get("n"), get("k"), get("r"), get("s"), get("p"), get("a"), get("o"), get("d"), false};
    f.loopback_only = loopback && loopback->is_bool() && loopback->get_bool();
    f.user_id = get("u");
    f.username = get("un");
    f.grant_id = get("g");
    auto* connected = o.if_contains("cx");
    f.connected = connected && connected->is_bool() && connected->get_bool();
    return f;
  }
};

AuthorizeEndpoint::AuthorizeEndpoint(ServerContext& ctx, ClientResolver& clients, AuthorizeOptions options)
    : ctx_(ctx),
      clients_(clients),
      options_(std::move(options)),
      browsers_(options_.ui_key, ctx.settings.issuer.starts_with("https://"), options_.login_lifetime, ctx.stores,
                ctx.clock),
      requests_(options_.ui_key + "|request", ctx.settings.code_lifetime, ctx.clock),
      passwords_(options_.passwords) {}

boost::asio::awaitable<net::Reply> AuthorizeEndpoint::handle(const net::Request& request, const net::Peer& peer) {
  std::optional<net::Reply> failed;
  try {
    co_return co_await route(request, peer);
  } catch (const store::StoreError& e) {
    failed = ui::store_failure_page(e, "/authorize");
  }
  co_return std::move(*failed);
}

asio::awaitable<net::Reply> AuthorizeEndpoint::upstream_callback(const net::Request& request, const net::Peer& peer) {
  std::optional<net::Reply> failed;
  try {
    co_return co_await come_back(request, peer);
  } catch (const store::StoreError& e) {
    failed = ui::store_failure_page(e, "/oauth/upstream/callback");
  }
  co_return std::move(*failed);
}

boost::asio::awaitable<net::Reply> AuthorizeEndpoint::route(const net::Request& request, const net::Peer& peer) {
  if (request.method() == http::verb::get || request.method() == http::verb::head) co_return co_await start(request);
  if (request.method() == http::verb::post) co_return co_await submit(request, peer);
  auto reply = error_page(http::status::method_not_allowed, "Method not allowed", "Use GET or POST.");
  reply.response.set(http::field::allow, "GET, POST");
  co_return reply;
}

boost::asio::awaitable<net::Reply> AuthorizeEndpoint::start(const net::Request& request) {
  std::string_view target = request.target();
  auto q = target.find('?');
  auto form = net::parse_form(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
  if (!form) co_return error_page(http::status::bad_request, "Invalid request", "The authorization request is malformed.");
  // RFC 6749 §3.1: no parameter twice (and no guessing which one counts).
  if (!form->duplicates.empty())
    co_return error_page(http::status::bad_request, "Invalid request",
                         "The parameter " + form->duplicates.front() + " appears more than once.");

  // AZ2: until the client and its redirect URI are known good, errors are
  // shown here and never sent anywhere.
  auto client_id = form->value_or("client_id");
  if (client_id.empty())
    co_return error_page(http::status::bad_request, "Invalid request", "The request names no client (client_id).");
  // Registered clients, or a Client ID Metadata Document (CI1–CI5).
  auto resolved = co_await clients_.resolve(client_id);
  if (auto* refusal = std::get_if<ClientRefusal>(&resolved))
    co_return error_page(http::status::bad_request, refusal->heading, refusal->message, "client_id " + client_id);
  const auto& found = std::get<ResolvedClient>(resolved);
  const auto& client = found.client;
  std::string redirect_uri = form->value_or("redirect_uri");
  if (redirect_uri.empty()) {
    if (client.redirect_uris.size() != 1)
      co_return error_page(http::status::bad_request, "Invalid request", "The request has no redirect_uri.");
    redirect_uri = client.redirect_uris.front();
  }
  // AZ3 / CI4: exact match, loopback ports aside.
  if (!redirect_uri_allowed(client.redirect_uris, redirect_uri)) {
    if (found.document)
      spdlog::warn("client metadata document {} refused: redirect_uri {} is not listed in the document",
                   net::log_value(client_id, 256), net::log_value(redirect_uri, 256));
    co_return error_page(http::status::bad_request, "Invalid redirect",
                         found.document ? "The application asked to send you back to an address its client metadata "
                                          "document does not list."
                                        : "The application asked to send you back to an address it did not register.",
                         redirect_uri);
  }

  auto state = form->value_or("state");
  // RFC 6749 §4.1.2.1 sends request errors back to the client's redirect
  // URI. For a client anyone could have created — self-registered (DCR) or a
  // metadata document naming any redirect URI its author likes — that turns
  // /authorize into an open redirector: a link with a bad parameter bounces
  // the browser to an attacker's URI under this server's name, no user
  // involved (RFC 9700 §4.11.2). Those clients get an error page instead;
  // clients the operator registered keep the RFC redirect.
  const bool redirect_errors = client.kind == store::ClientKind::preregistered && !found.document;
  auto fail = [&](const Error& e) {
    if (!redirect_errors)
      return error_page(http::status::bad_request, "Invalid request",
                        "The application sent a sign-in request this server cannot accept. Go back to the "
                        "application and try again; if it keeps happening, tell its developer what is shown below.",
                        e.code() + ": " + e.description());
    return authorization_response(redirect_uri, e.to_query(), state, ctx_.settings.issuer);
  };
  // AZ1: the code flow only, with PKCE S256; unknown parameters are ignored.
  if (form->value_or("response_type") != "code")
    co_return fail(Error::unsupported_response_type("only response_type=code is supported"));
  auto challenge = form->value_or("code_challenge");
  if (challenge.empty()) co_return fail(Error::invalid_request("PKCE is required: send code_challenge (S256)"));
  if (form->value_or("code_challenge_method") != "S256")
    co_return fail(Error::invalid_request("code_challenge_method must be S256"));
  if (!valid_code_challenge(challenge))
    co_return fail(Error::invalid_request("code_challenge is not a valid S256 challenge"));
  // AZ4: the resource, when named, must be this server (RS4 normalisation).
  if (auto* resource = form->get("resource"); resource && !same_resource(*resource, ctx_.settings.resource))
    co_return fail(Error::invalid_target("this server only issues tokens for " + ctx_.settings.resource));
  // AZ5: tolerant scopes; unknown ones are dropped, none means the default.
  // The request caps come first (audit M2).
  auto requested = parse_requested_scope(form->value_or("scope"));
  if (const auto* problem = std::get_if<std::string>(&requested)) co_return fail(Error::invalid_scope(*problem));
  auto scopes = known_scopes(std::get<std::vector<std::string>>(requested), ctx_.settings.scopes);
  if (scopes.empty()) scopes = ctx_.settings.default_scopes;

  Flow flow;
  flow.client_id = client.client_id;
  flow.client_name = client.client_name;
  if (flow.client_name.empty()) flow.client_name = found.document ? found.verified_host : client.client_id;
  flow.client_kind = std::string(store::to_string(client.kind));
  if (found.document) flow.client_kind = "cimd";
  flow.redirect_uri = redirect_uri;
  flow.state = state;
  flow.code_challenge = challenge;
  flow.resource = ctx_.settings.resource;
  flow.scope = join_scope(scopes);
  flow.verified_host = found.verified_host;
  flow.loopback_only = std::all_of(client.redirect_uris.begin(), client.redirect_uris.end(),
                                   [](const std::string& uri) { return is_loopback_redirect(uri); });
  auto browser = browsers_.recognise(request);
  if (!options_.local_login && options_.upstream) co_return co_await to_upstream(std::move(flow), std::move(browser));
  co_return show(flow, browser);
}

net::Reply AuthorizeEndpoint::show(const Flow& flow, const Browser& browser, std::string notice) {
  if (browser.user_id.empty()) return login_page(flow, browser, std::move(notice), {});
  // The connect form comes before consent (and before a remembered consent).
  if (options_.connect && !flow.connected) return connect_page(flow, browser, nullptr, {});
  // Remembered consent covers this request when it asks for nothing more.
  if (auto* remembered = browser.consents.if_contains(flow.client_id); remembered && remembered->is_string() &&
                                                                        contains_all(parse_scope(remembered->get_string()),
                                                                                     parse_scope(flow.scope)))
    return approve(flow, browser, false);
  return consent_page(flow, browser);
}

ui::FlowPage AuthorizeEndpoint::flow_page(const Flow& flow, const Browser& browser) const {
  ui::FlowPage page;
  page.client_name = flow.client_name;
  page.redirect_uri = flow.redirect_uri;
  page.form.request = requests_.seal(flow.to_json());
  page.form.csrf_token = ui::csrf_token(requests_, browser.id, page.form.request);
  return page;
}

net::Reply AuthorizeEndpoint::login_page(const Flow& flow, const Browser& browser, std::string notice,
                                         std::string username, http::status status) {
  ui::LoginPage page{.flow = flow_page(flow, browser)};
  page.verified_host = flow.verified_host;
  if (options_.upstream) page.upstream_name = options_.upstream->provider().settings().display_name;
  page.notice = std::move(notice);
  page.username = std::move(username);
  return with_cookies(ui::login_page(page, status), browser.set_cookies);
}

net::Reply AuthorizeEndpoint::consent_page(const Flow& flow, const Browser& browser) {
  ui::ConsentPage page{.flow = flow_page(flow, browser),
                       .client_id = flow.client_id,
                       .client_kind = flow.client_kind,
                       .verified_host = flow.verified_host,
                       .username = browser.username,
                       .loopback_only = flow.loopback_only,
                       .scope = flow.scope,
                       .resource = flow.resource};
  return with_cookies(ui::consent_page(page), browser.set_cookies);
}

net::Reply AuthorizeEndpoint::connect_page(const Flow& flow, const Browser& browser, const net::Form* entered,
                                           std::vector<upstream::FieldProblem> problems, std::string notice,
                                           http::status status) {
  ui::ConnectPage page{.flow = flow_page(flow, browser), .connect = *options_.connect};
  page.username = browser.username;
  page.entered = entered;
  page.problems = std::move(problems);
  page.notice = std::move(notice);
  return with_cookies(ui::connect_page(page, status), browser.set_cookies);
}

net::Reply AuthorizeEndpoint::approve(const Flow& flow, const Browser& browser, bool remember) {
  CodeBinding binding{.client_id = flow.client_id,
                      .redirect_uri = flow.redirect_uri,
                      .code_challenge = flow.code_challenge,
                      .resource = flow.resource,
                      .scope = flow.scope,
                      .user_id = browser.user_id};
  // An upstream sign-in or the connect form chose the grant id its values
  // are sealed under. The sealed values must be this user's, still waiting
  // for their grant.
  if (!flow.grant_id.empty()) {
    if (!options_.vault || options_.vault->pending_user(flow.grant_id) != browser.user_id)
      return error_page(http::status::bad_request, "This sign-in has expired",
                        "Go back to the application and connect again.");
    binding.grant_id = flow.grant_id;
  }
  auto code = issue_authorization_code(ctx_, binding);
  if (!code)
    return error_page(http::status::internal_server_error, "Something went wrong", "The authorization could not be saved. Try again.");
  auto cookies = browser.set_cookies;
  if (remember) cookies.push_back(browsers_.remember_consent(browser, flow.client_id, flow.scope));
  return with_cookies(authorization_response(flow.redirect_uri, {{"code", *code}}, flow.state, ctx_.settings.issuer),
                      cookies);
}

boost::asio::awaitable<net::Reply> AuthorizeEndpoint::submit(const net::Request& request, const net::Peer& peer) {
  if (!net::is_form_content_type(request[http::field::content_type]))
    co_return error_page(http::status::bad_request, "Invalid request", "The form was not sent as a form.");
  auto form = net::parse_form(request.body());
  if (!form || !form->duplicates.empty())
    co_return error_page(http::status::bad_request, "Invalid request", "The form is malformed.");
  auto sealed = form->value_or("request");
  auto payload = requests_.open(sealed);
  if (!payload)
    co_return error_page(http::status::bad_request, "This sign-in has expired",
                         "Go back to the application and connect again.");
  auto flow = Flow::from_json(*payload);
  auto browser = browsers_.recognise(request);
  // CSRF: the token must come from a page this browser was shown.
  if (browser.new_id || !ui::csrf_token_valid(requests_, browser.id, sealed, form->value_or("csrf_token")))
    co_return error_page(http::status::forbidden, "Request refused",
                         "The form did not come from this browser's sign-in page. Go back to the application and connect again.");

  // After an upstream sign-in the flow names the user (sealed, and this
  // form is CSRF-bound to this browser).
  if (!flow.user_id.empty()) {
    browser.user_id = flow.user_id;
    browser.username = flow.username;
    browsers_.load_consents(request, browser);
  }
  auto step = form->value_or("step");
  if (step == "upstream" && options_.upstream) co_return co_await to_upstream(std::move(flow), std::move(browser));
  if (step == "login" && !options_.local_login)
    co_return error_page(http::status::bad_request, "Invalid request", "This server does not sign in with passwords.");
  if (step == "login") co_return co_await sign_in(request, peer, *form, flow, std::move(browser));
  if (step == "connect" && options_.connect) {
    if (browser.user_id.empty()) {
      std::string notice = "Sign in again to continue.";
      co_return co_await sign_in_first(flow, browser, std::move(notice));
    }
    co_return co_await connect(*form, peer, std::move(flow), std::move(browser));
  }
  if (step == "signout" && !flow.user_id.empty()) {
    // "Not you?" after an upstream sign-in: its tokens are dropped (the
    // pending record expires), and the provider is asked again.
    spdlog::info("user {} signed out", flow.username);
    // (A named Browser: GCC 12 mishandles braced temporaries bound to a
    // coroutine's reference parameters.)
    Browser signed_out;
    signed_out.id = browser.id;
    signed_out.set_cookies = browser.set_cookies;
    co_return co_await sign_in_first(flow, signed_out);
  }
  if (step == "signout") {
    // Whatever was entered in the connect form stays with who entered it.
    flow.grant_id.clear();
    flow.connected = false;
    // "Not you?" on the consent page (L7): the sign-in session ends here;
    // the same request continues with whoever signs in next.
    if (!browser.user_id.empty()) spdlog::info("user {} signed out", browser.username);
    browsers_.sign_out(browser);
    co_return login_page(flow, browser, {}, {});
  }
  if (step == "consent") {
    if (browser.user_id.empty()) {
      std::string notice = "Sign in again to continue.";
      co_return co_await sign_in_first(flow, browser, std::move(notice));
    }
    auto decision = form->value_or("decision");
    if (decision == "approve") co_return approve(flow, browser, form->value_or("remember") == "1");
    if (decision == "deny") {
      // access_denied goes back to every client, self-registered ones
      // included (unlike the request errors in start()): it follows a person
      // signing in and pressing Deny on this server's own page, so a link
      // alone cannot trigger it, and the application needs to hear the
      // person's answer (RFC 6749 §4.1.2.1).
      spdlog::info("user {} denied client {}", browser.user_id, net::log_value(flow.client_id, 256));
      auto denied = Error::access_denied("the user denied access").to_query();
      auto response = authorization_response(flow.redirect_uri, std::move(denied), flow.state, ctx_.settings.issuer);
      co_return with_cookies(std::move(response), browser.set_cookies);
    }
  }
  co_return error_page(http::status::bad_request, "Invalid request", "The form is missing its decision.");
}

boost::asio::awaitable<net::Reply> AuthorizeEndpoint::sign_in(const net::Request& request, const net::Peer& peer,
                                                              const net::Form& form, const Flow& flow, Browser browser) {
  auto username = form.value_or("username");
  auto password = form.value_or("password");
  // M1: bounded input, refused before anything is counted, stored or logged
  // (counter keys are hashed anyway; this keeps pages and logs small too).
  if (username.size() > store::kMaxUserNameBytes)
    co_return login_page(flow, browser,
                         "That user name is too long: user names have at most " +
                             std::to_string(store::kMaxUserNameBytes) + " bytes.",
                         {}, http::status::bad_request);
  if (password.size() > store::kMaxPasswordBytes)
    co_return login_page(flow, browser,
                         "That password is too long: passwords have at most " +
                             std::to_string(store::kMaxPasswordBytes) + " bytes.",
                         username, http::status::bad_request);

  const auto now = ctx_.now();
  const std::string source = peer.client.to_string();
  const std::string network = net::source_network(peer.client);
  const std::string shown_user = net::log_value(username);
  // L6: a place among the bounded password computations comes first, so an
  // overloaded server counts nothing against anyone.
  auto slot = passwords_.reserve();
  if (!slot) {
    spdlog::warn("sign-in for user \"{}\" from {} refused: {} password checks running or waiting", shown_user, source,
                 passwords_.policy().concurrency + passwords_.policy().queue_limit);
    auto reply = login_page(flow, browser, "The server is busy. Try again in a few seconds.", username,
                            http::status::service_unavailable);
    reply.response.set(http::field::retry_after, "5");
    co_return reply;
  }
  // M4: one source may try so many sign-ins a minute, whatever the user names.
  if (!ctx_.stores.rate_limits->hit("login-source:" + source_key(peer.client), 60, options_.login_attempts_per_source,
                                    now)) {
    const std::int64_t wait = store::window_start(now, 60) + 60 - now;
    spdlog::warn("sign-in throttled for source {} (user \"{}\")", source, shown_user);
    auto reply = login_page(flow, browser,
                            "Too many sign-in attempts from your address. Try again " + wait_text(wait) + ".", username,
                            http::status::too_many_requests);
    reply.response.set(http::field::retry_after, std::to_string(wait));
    co_return reply;
  }
  // M4: failures of this user name from this network earn a growing wait.
  // Only failures count, only from here, and a success clears them: nobody
  // elsewhere can hold the account up.
  const std::string failure_key = username + "|" + network;
  auto attempt = ctx_.stores.login_failures->begin(failure_key, now, options_.login_backoff);
  if (!attempt.allowed) {
    const std::int64_t wait = attempt.retry_at - now;
    spdlog::warn("sign-in for user \"{}\" from {} held back: {} failures from {}, {} s to wait", shown_user, source,
                 attempt.failures, network, wait);
    auto reply = login_page(flow, browser,
                            "Too many failed sign-ins for this account from your network. Try again " + wait_text(wait) +
                                ".",
                            username, http::status::too_many_requests);
    reply.response.set(http::field::retry_after, std::to_string(wait));
    co_return reply;
  }

  auto user = ctx_.stores.users->find_by_name(username);
  std::optional<std::string> stored_hash;
  if (user) stored_hash = user->password_hash;
  // L1: an unknown name costs one hash too (a dummy), so timing does not
  // tell which accounts exist.
  PasswordOutcome outcome = co_await passwords_.check(std::move(*slot), password, stored_hash);
  if (!user || user->disabled || outcome.result != PasswordResult::right) {
    spdlog::info("failed sign-in for user \"{}\" from {} ({} failures from {})", shown_user, source, attempt.failures,
                 network);
    std::string notice = "The username or password is wrong.";
    if (const auto wait = attempt.retry_at - now; wait > 0)
      notice += " Too many failed sign-ins for this account from your network: try again " + wait_text(wait) + ".";
    co_return login_page(flow, browser, std::move(notice), username, http::status::unauthorized);
  }
  ctx_.stores.login_failures->succeeded(failure_key);
  // L6: a hash made under an older policy is replaced now that the password
  // is known. Only if it is still the one checked: a concurrent `users
  // passwd` wins.
  std::string password_hash = user->password_hash;
  if (!outcome.upgraded_hash.empty()) {
    auto current = ctx_.stores.users->find(user->id);
    if (current && current->password_hash == user->password_hash &&
        ctx_.stores.users->set_password_hash(user->id, outcome.upgraded_hash)) {
      password_hash = outcome.upgraded_hash;
      spdlog::info("password hash of user {} upgraded to the current scrypt cost", user->name);
    }
  }
  // L7 (session fixation): a browser id that existed before the sign-in is
  // replaced, so nobody who planted or saw it can act in this session.
  browsers_.sign_in(request, browser, user->id, user->name, password_hash);
  spdlog::info("user {} signed in from {}", user->name, source);
  co_return show(flow, browser);
}

asio::awaitable<net::Reply> AuthorizeEndpoint::sign_in_first(const Flow& flow, const Browser& browser,
                                                             std::string notice) {
  if (!options_.local_login && options_.upstream) {
    Flow fresh = flow;
    fresh.user_id.clear();
    fresh.username.clear();
    fresh.grant_id.clear();
    fresh.connected = false;  // the next person fills in the connect form anew
    co_return co_await to_upstream(std::move(fresh), browser);
  }
  co_return login_page(flow, browser, std::move(notice), {});
}

asio::awaitable<net::Reply> AuthorizeEndpoint::to_upstream(Flow flow, Browser browser) {
  auto begun = co_await options_.upstream->begin(requests_.seal(flow.to_json()));
  if (auto* refusal = std::get_if<upstream::SignIn::Refusal>(&begun))
    co_return with_cookies(error_page(static_cast<http::status>(refusal->status), refusal->heading, refusal->message),
                           browser.set_cookies);
  const auto& started = std::get<upstream::SignIn::Started>(begun);
  auto cookies = browser.set_cookies;
  cookies.push_back(browsers_.set_cookie(browsers_.cookie_name(started.cookie_name), started.cookie_value,
                                         started.cookie_max_age));
  // A plain 302 (never 307: the provider's authorization endpoint takes GET).
  net::Response r{http::status::found, 11};
  r.set(http::field::location, started.location);
  r.set(http::field::cache_control, "no-store");
  r.prepare_payload();
  co_return with_cookies(net::reply(std::move(r)), cookies);
}

std::optional<net::Reply> AuthorizeEndpoint::throttled(std::string_view what, const net::Peer& peer, std::int64_t limit) {
  const auto now = ctx_.now();
  if (ctx_.stores.rate_limits->hit(std::string(what) + ":" + source_key(peer.client), 60, limit, now)) return std::nullopt;
  const std::int64_t wait = store::window_start(now, 60) + 60 - now;
  spdlog::warn("{} throttled for source {}", what, peer.client.to_string());
  auto reply = error_page(http::status::too_many_requests, "Too many attempts",
                          "Too many sign-in attempts from your address. Try again " + wait_text(wait) + ".");
  reply.response.set(http::field::retry_after, std::to_string(wait));
  return reply;
}

asio::awaitable<net::Reply> AuthorizeEndpoint::come_back(const net::Request& request, const net::Peer& peer) {
  if (!options_.upstream) co_return error_page(http::status::not_found, "Not found", "Upstream sign-in is not configured.");
  // Each callback makes this server call the provider's token endpoint.
  if (auto refusal = throttled("upstream-callback", peer, options_.outbound_per_source)) co_return std::move(*refusal);
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    auto reply = error_page(http::status::method_not_allowed, "Method not allowed", "Use GET.");
    reply.response.set(http::field::allow, "GET");
    co_return reply;
  }
  std::string_view target = request.target();
  auto q = target.find('?');
  auto form = net::parse_form(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
  if (!form || !form->duplicates.empty())
    co_return error_page(http::status::bad_request, "Invalid request", "The sign-in answer is malformed.");
  auto lookup = [&](std::string_view name) { return ui::cookie(request, browsers_.cookie_name(name)); };
  std::function<std::optional<std::string>(std::string_view)> cookies = lookup;
  auto finished = co_await options_.upstream->finish(*form, cookies);
  if (auto* refusal = std::get_if<upstream::SignIn::Refusal>(&finished))
    co_return error_page(static_cast<http::status>(refusal->status), refusal->heading, refusal->message);
  const auto& done = std::get<upstream::SignIn::Finished>(finished);
  auto payload = requests_.open(done.request);
  if (!payload)
    co_return error_page(http::status::bad_request, "This sign-in has expired",
                         "Go back to the application and connect again.");
  auto flow = Flow::from_json(*payload);
  flow.user_id = done.user_id;
  flow.username = done.username;
  flow.grant_id = done.grant_id;
  auto browser = browsers_.recognise(request);
  browser.user_id = done.user_id;
  browser.username = done.username;
  browsers_.load_consents(request, browser);
  browser.set_cookies.push_back(browsers_.set_cookie(browsers_.cookie_name(done.cookie_name), "", 0));
  co_return show(flow, browser);
}

asio::awaitable<net::Reply> AuthorizeEndpoint::connect(const net::Form& form, const net::Peer& peer, Flow flow,
                                                       Browser browser) {
  auto checked = upstream::validate_connection(*options_.connect, form);
  if (auto* problems = std::get_if<std::vector<upstream::FieldProblem>>(&checked)) {
    std::string fields;
    for (const auto& p : *problems) {
      if (!fields.empty()) fields += ", ";
      fields += p.field;
    }
    spdlog::info("connect form of user {} refused: wrong fields {}", browser.username, fields);
    co_return connect_page(flow, browser, &form, *problems, {}, http::status::bad_request);
  }
  const auto& values = std::get<json::object>(checked);
  if (options_.connect_check && options_.connect_check->configured()) {
    // Each check is a request this server sends to an address the user typed.
    if (auto refusal = throttled("connect-check", peer, options_.outbound_per_source)) co_return std::move(*refusal);
  }
  if (options_.connect_check && options_.connect_check->configured())
    if (auto refused = co_await options_.connect_check->run(values)) {
      spdlog::info("connect form of user {} refused by its check", browser.username);
      std::vector<upstream::FieldProblem> none;
      co_return connect_page(flow, browser, &form, none, *refused, http::status::bad_request);
    }
  try {
    if (!flow.grant_id.empty()) {
      // After an upstream sign-in: its pending record gains the values.
      if (!options_.vault->set_connection(flow.grant_id, values))
        co_return error_page(http::status::bad_request, "This sign-in has expired",
                             "Go back to the application and connect again.");
    } else {
      flow.grant_id = "gr_" + crypto::random_token(16);
      options_.vault->put_pending(flow.grant_id, browser.user_id, nullptr, nullptr, values);
    }
  } catch (const store::StoreError& e) {
    spdlog::error("connect form values of user {} could not be stored: {}", browser.username, e.what());
    co_return error_page(http::status::service_unavailable, "Something went wrong",
                         "What you entered could not be saved. Try again.");
  }
  flow.connected = true;
  spdlog::info("user {} filled in the connect form for client {}", browser.username, net::log_value(flow.client_id, 256));
  co_return show(flow, browser);
}

}  // namespace gatehouse::oauth
