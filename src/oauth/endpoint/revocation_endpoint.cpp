#include "oauth/endpoint/revocation_endpoint.hpp"

#include "oauth/client/client_authentication.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/endpoint/token_endpoint.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

net::Reply revocation_endpoint(ServerContext& ctx, const net::Request& request) {
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
  const auto& client = std::get<AuthenticatedClient>(authenticated).client;
  const auto* token = form.get("token");
  if (!token) return error_reply(Error::invalid_request("token is required"));

  // RFC 7009 §2.1: the hint is only a hint; try both kinds.
  if (auto found = ctx.stores.grants->find_refresh(token_hash(*token)); found) {
    if (found->first.client_id == client.client_id) revoke_grant(ctx, found->first.id);
  } else if (auto verified = ctx.tokens.verify(*token); std::holds_alternative<Principal>(verified)) {
    const auto& principal = std::get<Principal>(verified);
    if (principal.client_id == client.client_id) revoke_grant(ctx, principal.grant_id);
  }
  // RFC 7009 §2.2: 200 whether or not the token was known.
  net::Response response{http::status::ok, request.version()};
  response.set(http::field::cache_control, "no-store");
  response.prepare_payload();
  return net::reply(std::move(response));
}

}  // namespace gatehouse::oauth
