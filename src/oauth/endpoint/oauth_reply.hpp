#pragma once
// Replies of the OAuth endpoints: JSON with `Cache-Control: no-store`
// (RFC 6749 §5.1, INTEROP TK1) and errors rendered from oauth::Error.
#include "net/http.hpp"
#include "oauth/error.hpp"

#include <boost/json/object.hpp>

namespace gatehouse::oauth {

net::Reply json_reply(boost::beast::http::status status, const boost::json::object& body);
// The error's status and JSON body; `basic_challenge` adds
// `WWW-Authenticate: Basic` to a 401 (RFC 6749 §5.2).
net::Reply error_reply(const Error& error, bool basic_challenge = false);

}  // namespace gatehouse::oauth
