#include "oauth/ui/browser_session.hpp"

#include "crypto/random.hpp"

namespace gatehouse::oauth::ui {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::int64_t kBrowserIdSeconds = 365 * 24 * 3600;
constexpr std::int64_t kConsentSeconds = 90 * 24 * 3600;

// RFC 6265bis §4.1.3.2: a `__Host-` cookie is accepted by browsers only when
// Secure, with Path=/ and no Domain — so a sibling subdomain or a plain-http
// page cannot set or shadow it.
std::string prefixed(std::string_view base, bool secure) {
  return secure ? "__Host-" + std::string(base) : std::string(base);
}

}  // namespace

BrowserSessions::BrowserSessions(std::string_view key, bool secure, std::chrono::seconds login_lifetime,
                                 store::Stores& stores, const time::Clock& clock)
    : secure_(secure),
      login_lifetime_(login_lifetime),
      stores_(stores),
      browser_cookie_(prefixed("gh_browser", secure)),
      session_cookie_(prefixed("gh_session", secure)),
      consent_cookie_(prefixed("gh_consent", secure)),
      sessions_(std::string(key) + "|session", login_lifetime, clock),
      consents_(std::string(key) + "|consent", std::chrono::seconds(kConsentSeconds), clock) {}

std::string BrowserSessions::cookie_name(std::string_view base) const { return prefixed(base, secure_); }

std::string BrowserSessions::set_cookie(std::string_view name, std::string_view value, std::int64_t max_age) const {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                  std::to_string(max_age);
  if (secure_) c += "; Secure";
  return c;
}

std::string BrowserSessions::password_stamp(std::string_view password_hash) const {
  return sessions_.mac(std::string("password|") + std::string(password_hash)).substr(0, 22);
}

Browser BrowserSessions::recognise(const net::Request& request) const {
  Browser b;
  if (auto id = cookie(request, browser_cookie_); id && id->size() >= 16 && id->size() <= 64) {
    b.id = *id;
  } else {
    b.id = crypto::random_token(18);
    b.new_id = true;
    b.set_cookies.push_back(set_cookie(browser_cookie_, b.id, kBrowserIdSeconds));
  }
  if (auto session = cookie(request, session_cookie_))
    if (auto payload = sessions_.open(*session)) {
      auto* uid = payload->if_contains("u");
      auto* stamp = payload->if_contains("p");
      if (uid && uid->is_string() && stamp && stamp->is_string())
        if (auto user = stores_.users->find(uid->get_string());
            user && !user->disabled && stamp->get_string() == password_stamp(user->password_hash)) {
          b.user_id = user->id;
          b.username = user->name;
        }
    }
  load_consents(request, b);
  return b;
}

void BrowserSessions::load_consents(const net::Request& request, Browser& b) const {
  b.consents = {};
  if (auto consents = cookie(request, consent_cookie_))
    if (auto payload = consents_.open(*consents)) {
      auto* owner = payload->if_contains("u");
      auto* granted = payload->if_contains("c");
      if (owner && owner->is_string() && owner->get_string() == b.user_id && granted && granted->is_object())
        b.consents = granted->get_object();
    }
}

void BrowserSessions::sign_in(const net::Request& request, Browser& browser, const std::string& user_id,
                              const std::string& username, std::string_view password_hash) const {
  browser.user_id = user_id;
  browser.username = username;
  load_consents(request, browser);  // this user's, not those of whoever signed in before
  browser.id = crypto::random_token(18);
  browser.set_cookies.push_back(set_cookie(browser_cookie_, browser.id, kBrowserIdSeconds));
  browser.set_cookies.push_back(set_cookie(
      session_cookie_, sessions_.seal({{"u", user_id}, {"p", password_stamp(password_hash)}}), login_lifetime_.count()));
}

void BrowserSessions::sign_out(Browser& browser) const {
  browser.user_id.clear();
  browser.username.clear();
  browser.consents = {};
  browser.set_cookies.push_back(set_cookie(session_cookie_, "", 0));
}

std::string BrowserSessions::remember_consent(const Browser& browser, const std::string& client_id,
                                              const std::string& scope) const {
  json::object consents = browser.consents;
  consents[client_id] = scope;
  return set_cookie(consent_cookie_, consents_.seal({{"u", browser.user_id}, {"c", consents}}), kConsentSeconds);
}

std::optional<std::string> cookie(const net::Request& request, std::string_view name) {
  for (auto it = request.find(http::field::cookie); it != request.end() && it->name() == http::field::cookie; ++it) {
    std::string_view header = it->value();
    while (!header.empty()) {
      auto semi = header.find(';');
      auto pair = header.substr(0, semi);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
      if (semi == std::string_view::npos) break;
      header.remove_prefix(semi + 1);
    }
  }
  return std::nullopt;
}

net::Reply with_cookies(net::Reply reply, const std::vector<std::string>& cookies) {
  for (const auto& c : cookies) reply.response.insert(http::field::set_cookie, c);
  return reply;
}

}  // namespace gatehouse::oauth::ui
