#include "oauth/endpoint/token_endpoint.hpp"

#include "net/media_type.hpp"
#include "oauth/client/client_authentication.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/grant/authorization_code_grant.hpp"
#include "oauth/grant/refresh_token_grant.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

std::variant<net::Form, Error> read_oauth_form(const net::Request& request) {
  if (request.method() != http::verb::post) return Error::invalid_request("use POST");
  if (!net::is_form_content_type(request[http::field::content_type]))
    return Error::invalid_request("the body must be application/x-www-form-urlencoded");
  auto form = net::parse_form(request.body());
  if (!form) return Error::invalid_request("the form body is malformed");
  if (!form->duplicates.empty())
    return Error::invalid_request("parameter " + form->duplicates.front() + " is repeated");
  return std::move(*form);
}

namespace {
// POST (else 405) with a good form.
std::variant<net::Form, net::Reply> read_post_form(const net::Request& request) {
  if (request.method() != http::verb::post) {
    auto reply = error_reply(Error::invalid_request("use POST"));
    reply.response.result(http::status::method_not_allowed);
    reply.response.set(http::field::allow, "POST");
    return reply;
  }
  auto read = read_oauth_form(request);
  if (auto* error = std::get_if<Error>(&read)) return error_reply(*error);
  return std::move(std::get<net::Form>(read));
}
}  // namespace

boost::asio::awaitable<std::variant<ClientFormRequest, net::Reply>> read_client_form(ServerContext& ctx,
                                                                                     ClientResolver& clients,
                                                                                     const net::Request& request) {
  using Out = std::variant<ClientFormRequest, net::Reply>;
  auto read = read_post_form(request);
  if (auto* refusal = std::get_if<net::Reply>(&read)) co_return Out{std::move(*refusal)};
  auto& form = std::get<net::Form>(read);
  bool used_basic = false;
  auto authenticated = co_await authenticate_client(ctx, clients, request, form, used_basic);
  if (auto* error = std::get_if<Error>(&authenticated)) co_return Out{error_reply(*error, used_basic)};
  auto& client = std::get<AuthenticatedClient>(authenticated);
  co_return Out{ClientFormRequest{std::move(form), std::move(client.client), std::move(client.method)}};
}

namespace {

// The form of a token request, or the reply refusing it before any lookup.
std::variant<net::Form, net::Reply> read_token_request(const net::Request& request) {
  auto read = read_oauth_form(request);
  if (auto* error = std::get_if<Error>(&read)) {
    auto reply = error_reply(*error);
    if (request.method() != http::verb::post) {
      reply.response.result(http::status::method_not_allowed);
      reply.response.set(http::field::allow, "POST");
    }
    return reply;
  }
  auto& form = std::get<net::Form>(read);
  const auto* grant_type = form.get("grant_type");
  if (!grant_type) return error_reply(Error::invalid_request("grant_type is required"));
  // TK5: only the two grants MCP uses; client_credentials, password,
  // implicit, device code and anything else are refused before any lookup.
  if (*grant_type != "authorization_code" && *grant_type != "refresh_token")
    return error_reply(Error::unsupported_grant_type("grant_type " + *grant_type + " is not supported"));
  return std::move(form);
}

// The grant, for an authenticated client.
net::Reply grant(ServerContext& ctx, const AuthenticatedClient& client, const net::Form& form) {
  const std::string& grant_type = *form.get("grant_type");
  const auto& allowed = client.client.grant_types;
  auto allows = [&](std::string_view g) { return std::find(allowed.begin(), allowed.end(), g) != allowed.end(); };
  // refresh_token is implied by authorization_code for MCP clients (TK3).
  if (!allowed.empty() && !allows(grant_type) && !(grant_type == "refresh_token" && allows("authorization_code")))
    return error_reply(Error::unauthorized_client("this client may not use " + grant_type));
  auto result = grant_type == "authorization_code" ? exchange_authorization_code(ctx, client, form)
                                                   : refresh_access_token(ctx, client, form);
  if (auto* error = std::get_if<Error>(&result)) return error_reply(*error);
  return json_reply(http::status::ok, std::get<boost::json::object>(result));
}

}  // namespace

boost::asio::awaitable<net::Reply> token_endpoint(ServerContext& ctx, ClientResolver& clients, const net::Request& request) {
  auto read = read_token_request(request);
  if (auto* refusal = std::get_if<net::Reply>(&read)) co_return std::move(*refusal);
  const auto& form = std::get<net::Form>(read);
  bool used_basic = false;
  auto authenticated = co_await authenticate_client(ctx, clients, request, form, used_basic);
  if (auto* error = std::get_if<Error>(&authenticated)) co_return error_reply(*error, used_basic);
  co_return grant(ctx, std::get<AuthenticatedClient>(authenticated), form);
}

}  // namespace gatehouse::oauth
