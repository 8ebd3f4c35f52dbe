#include "oauth/endpoint/revocation_endpoint.hpp"

#include "oauth/client/client_authentication.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/endpoint/token_endpoint.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

namespace {

net::Reply revoke(ServerContext& ctx, const ClientFormRequest& request, unsigned version) {
  const auto* token = request.form.get("token");
  if (!token) return error_reply(Error::invalid_request("token is required"));
  const auto& client = request.client;
  // RFC 7009 §2.1: the hint is only a hint; try both kinds.
  if (auto found = ctx.stores.grants->find_refresh(token_hash(*token)); found) {
    if (found->first.client_id == client.client_id) revoke_grant(ctx, found->first.id);
  } else if (auto verified = ctx.tokens.verify(*token); std::holds_alternative<Principal>(verified)) {
    const auto& principal = std::get<Principal>(verified);
    if (principal.client_id == client.client_id) revoke_grant(ctx, principal.grant_id);
  }
  // RFC 7009 §2.2: 200 whether or not the token was known.
  net::Response response{http::status::ok, version};
  response.set(http::field::cache_control, "no-store");
  response.prepare_payload();
  return net::reply(std::move(response));
}

}  // namespace

boost::asio::awaitable<net::Reply> revocation_endpoint(ServerContext& ctx, ClientResolver& clients,
                                                       const net::Request& request) {
  auto read = co_await read_client_form(ctx, clients, request);
  if (auto* refusal = std::get_if<net::Reply>(&read)) co_return std::move(*refusal);
  co_return revoke(ctx, std::get<ClientFormRequest>(read), request.version());
}

}  // namespace gatehouse::oauth
