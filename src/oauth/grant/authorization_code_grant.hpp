#pragma once
// The authorization_code grant at the token endpoint (RFC 6749 §4.1.3,
// OAuth 2.1 §4.1.3, RFC 7636 §4.6, RFC 8707 §2.2; INTEROP TK2).
#include "net/form.hpp"
#include "oauth/client/client_authentication.hpp"
#include "oauth/context.hpp"

#include <boost/json/object.hpp>

#include <variant>

namespace gatehouse::oauth {

std::variant<boost::json::object, Error> exchange_authorization_code(ServerContext& ctx, const AuthenticatedClient& client,
                                                                      const net::Form& form);

}  // namespace gatehouse::oauth
