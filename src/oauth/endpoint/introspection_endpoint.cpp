#include "oauth/endpoint/introspection_endpoint.hpp"

#include "oauth/client/client_authentication.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/endpoint/token_endpoint.hpp"
#include "oauth/scope.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

net::Reply introspection_endpoint(ServerContext& ctx, const net::Request& request) {
  auto read = read_client_form(ctx, request);
  if (auto* refusal = std::get_if<net::Reply>(&read)) return std::move(*refusal);
  const auto& [form, client] = std::get<ClientFormRequest>(read);
  // RFC 7662 §4: the endpoint must not become a token-scanning oracle for
  // anyone; public clients cannot authenticate, so they cannot ask.
  if (client.secret_hash.empty())
    return error_reply(Error::invalid_client("introspection needs a confidential client"));
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
