#pragma once
// The browser's side of /authorize: who the browser is, who is signed in on
// it, and which consents it remembers, all in cookies (RFC 6265bis):
//
//   gh_browser  a random id: the browser's CSRF identity (csrf.hpp), replaced
//               at each sign-in (L7, session fixation)
//   gh_session  the signed-in user, sealed (HMAC) and bound to their
//               password (L7), for the sign-in lifetime
//   gh_consent  client_id → scope the user allowed and asked to remember,
//               sealed, for 90 days, valid only for the user who set it
//
// All HttpOnly (no script reads them), SameSite=Lax (a cross-site POST
// carries none; the top-level GET from the client does), Path=/, and
// Secure with a `__Host-` name on https.
#include "crypto/sealer.hpp"
#include "time/clock.hpp"
#include "net/http.hpp"
#include "store/stores.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::oauth::ui {

// Who the browser is: its CSRF identity, the signed-in user (if any) and the
// consents it remembers.
struct Browser {
  std::string id;  // gh_browser cookie; new ones are set on the reply
  bool new_id = false;
  std::string user_id;  // signed in when not empty
  std::string username;
  boost::json::object consents;  // client_id -> scope
  std::vector<std::string> set_cookies;  // Set-Cookie values for the reply
};

class BrowserSessions {
 public:
  // `key`: 32+ secret bytes; `secure`: the issuer is https.
  BrowserSessions(std::string_view key, bool secure, std::chrono::seconds login_lifetime, store::Stores& stores,
                  const time::Clock& clock = time::system_clock());

  // The browser behind `request`: its id (a new one, with its cookie, when
  // it has none), the user signed in on it — whose account still exists, is
  // not disabled, and has the password the sign-in was made with — and the
  // consents it remembers for that user.
  Browser recognise(const net::Request& request) const;
  // The consents this browser remembers for `browser.user_id`.
  void load_consents(const net::Request& request, Browser& browser) const;
  // A successful sign-in: the user, their remembered consents, a new browser
  // id (L7: whoever planted or saw the old one cannot act in this session)
  // and the session cookie.
  void sign_in(const net::Request& request, Browser& browser, const std::string& user_id, const std::string& username,
               std::string_view password_hash) const;
  // "Not you?": the sign-in ends; the browser id stays.
  void sign_out(Browser& browser) const;
  // The Set-Cookie that remembers `scope` for `client_id` besides the
  // consents the browser already has.
  std::string remember_consent(const Browser& browser, const std::string& client_id, const std::string& scope) const;

  // RFC 6265bis §4.1.3.2: `__Host-` + `base` on https; `base` on http
  // (loopback development), where browsers would refuse the prefix.
  std::string cookie_name(std::string_view base) const;
  // A Set-Cookie value with this server's attributes (above).
  std::string set_cookie(std::string_view name, std::string_view value, std::int64_t max_age) const;

 private:
  // Binds a sign-in to the password it was made with: changing the password
  // ends every sign-in session made before (L7).
  std::string password_stamp(std::string_view password_hash) const;

  bool secure_;
  std::chrono::seconds login_lifetime_;
  store::Stores& stores_;
  std::string browser_cookie_, session_cookie_, consent_cookie_;
  crypto::Sealer sessions_;
  crypto::Sealer consents_;
};

// The value of the cookie `name` the request carries.
std::optional<std::string> cookie(const net::Request& request, std::string_view name);

// `reply` with a Set-Cookie for each of `cookies`.
net::Reply with_cookies(net::Reply reply, const std::vector<std::string>& cookies);

}  // namespace gatehouse::oauth::ui
