#include "oauth/endpoint/introspection_endpoint.hpp"

#include "oauth/client/client_authentication.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/endpoint/token_endpoint.hpp"
#include "oauth/scope.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

net::Reply introspection_endpoint(ServerContext& ctx, const net::Request& request) {
  if (request.method() != http::verb::post) {
    auto reply = error_reply(Error::invalid_request("use POST"));
    reply.response.result(http::status::method_not_allowed);
    reply.response.set(http::field::allow, "POST");
    return reply;
  }
  auto read = read_oauth_form(request);
  if (auto* error = std::get_if<Error>(&read)) return error_reply(*error);
  const auto& form = std::get<net::Form>(read);
  bool used_basic = false;
  auto authenticated = authenticate_client(request, form, *ctx.stores.clients, used_basic);
  if (auto* error = std::get_if<Error>(&authenticated)) return error_reply(*error, used_basic);
  // RFC 7662 §4: the endpoint must not become a token-scanning oracle for
  // anyone; public clients cannot authenticate, so they cannot ask.
  if (std::get<AuthenticatedClient>(authenticated).client.secret_hash.empty())
    return error_reply(Error::invalid_client("introspection needs a confidential client"), used_basic);
  const auto* token = form.get("token");
  if (!token) return error_reply(Error::invalid_request("token is required"));

  auto verified = ctx.tokens.verify(*token);
  if (!std::holds_alternative<Principal>(verified)) return json_reply(http::status::ok, {{"active", false}});
  const auto& p = std::get<Principal>(verified);
  return json_reply(http::status::ok, {{"active", true},
                                       {"token_type", "Bearer"},
                                       {"scope", join_scope(p.scopes)},
                                       {"client_id", p.client_id},
                                       {"sub", p.subject},
                                       {"iss", ctx.settings.issuer},
                                       {"aud", ctx.settings.resource}});
}

}  // namespace gatehouse::oauth
