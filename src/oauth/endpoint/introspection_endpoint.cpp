#include "oauth/endpoint/introspection_endpoint.hpp"

#include "oauth/client/client_authentication.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/endpoint/token_endpoint.hpp"
#include "oauth/scope.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

namespace {

net::Reply introspect(ServerContext& ctx, const ClientFormRequest& request) {
  // RFC 7662 §4: the endpoint must not become a token-scanning oracle for
  // anyone; public clients cannot authenticate, so they cannot ask.
  if (request.method == "none") return error_reply(Error::invalid_client("introspection needs a confidential client"));
  // RFC 7662 §2.1 leaves "who may introspect" to the server; here it is the
  // resource servers the operator registered. Anyone can self-register a
  // confidential client (RFC 7591), so such a client proves nothing about
  // being a resource server. The client did authenticate, so this is not
  // 401 invalid_client (that would invite it to retry its credentials) but
  // 403: the authenticated client is not allowed this endpoint.
  if (request.client.kind != store::ClientKind::preregistered)
    return error_reply(Error::unauthorized_client("introspection is open only to clients registered by the operator")
                           .with_status(403));
  const auto* token = request.form.get("token");
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

}  // namespace

boost::asio::awaitable<net::Reply> introspection_endpoint(ServerContext& ctx, ClientResolver& clients,
                                                          const net::Request& request) {
  auto read = co_await read_client_form(ctx, clients, request);
  if (auto* refusal = std::get_if<net::Reply>(&read)) co_return std::move(*refusal);
  co_return introspect(ctx, std::get<ClientFormRequest>(read));
}

}  // namespace gatehouse::oauth
