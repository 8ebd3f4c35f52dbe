#pragma once
// Issuing the token pair both grants answer with (RFC 6749 §5.1; INTEROP
// TK3: refresh tokens always, even without offline_access).
#include "oauth/context.hpp"
#include "oauth/error.hpp"

#include <boost/json/object.hpp>

#include <variant>

namespace gatehouse::oauth {

// A new refresh token: its secret value (sent once) and what is stored.
struct NewRefreshToken {
  std::string value;
  store::RefreshToken record;
};
NewRefreshToken new_refresh_token(const ServerContext& ctx, const store::Grant& grant);

// {"access_token","token_type":"Bearer","expires_in","refresh_token","scope"}
// `scope`: the access token's scope when a refresh narrowed it; empty: the grant's.
std::variant<boost::json::object, Error> token_response(const ServerContext& ctx, const store::Grant& grant,
                                                         const std::string& refresh_token, const std::string& scope = {});

}  // namespace gatehouse::oauth
