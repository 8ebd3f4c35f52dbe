#pragma once
// The caller's identity and tokens at the upstream provider they signed in
// with ([login] method "upstream"; docs/upstream.md). Tools reach them
// through RequestContext::upstream_token() and upstream_identity(); the
// server keeps the tokens sealed and refreshes them before they expire.
// Never log a token, and never return one in a result.
#include <gatehouse/principal.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace gatehouse {

struct UpstreamToken {
  std::string access_token;  // send as "Authorization: <token_type> <access_token>"
  std::string token_type;    // "Bearer" in practice
  std::int64_t expires_at = 0;  // Unix seconds; 0: the provider did not say
  std::string scope;         // as the provider granted it
};

struct UpstreamIdentity {
  std::string subject;   // the user's stable id at the provider
  std::string username;  // preferred_username, GitHub login, or the email
  std::string name;
  std::string email;
  bool email_verified = false;
  boost::json::object claims;  // the ID token's claims, then userinfo's
};

// Implemented by the server; a handler sees it only through RequestContext.
class UpstreamCredentials {
 public:
  virtual ~UpstreamCredentials() = default;
  // The principal's upstream access token, refreshed first when it is about
  // to expire. Throws std::runtime_error with a message for the user (no
  // token in it) when the grant has none, the provider refused to renew it
  // (the grant then needs a new authorization), or the provider cannot be
  // reached.
  virtual boost::asio::awaitable<UpstreamToken> token(const Principal& principal) = 0;
  virtual boost::asio::awaitable<UpstreamIdentity> identity(const Principal& principal) = 0;
  // The values the user entered in the connect form ([connect]) while
  // connecting, by field name. Throws std::runtime_error when there are none.
  virtual boost::asio::awaitable<boost::json::object> connection(const Principal& principal) = 0;
  // The provider's userinfo endpoint, or "" when it has none.
  virtual std::string userinfo_endpoint() = 0;
  // Asks the provider's userinfo endpoint with the principal's upstream
  // token and returns its JSON answer. Throws std::runtime_error as token().
  virtual boost::asio::awaitable<boost::json::value> userinfo(const Principal& principal) = 0;
};

}  // namespace gatehouse
