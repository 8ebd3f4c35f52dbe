#include "oauth/endpoint/token_endpoint.hpp"

#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/grant/authorization_code_grant.hpp"
#include "oauth/grant/refresh_token_grant.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

std::variant<net::Form, Error> read_oauth_form(const net::Request& request) {
  if (request.method() != http::verb::post) return Error::invalid_request("use POST");
  std::string_view type = request[http::field::content_type];
  if (type.substr(0, 33) != "application/x-www-form-urlencoded")
    return Error::invalid_request("the body must be application/x-www-form-urlencoded");
  auto form = net::parse_form(request.body());
  if (!form) return Error::invalid_request("the form body is malformed");
  if (!form->duplicates.empty())
    return Error::invalid_request("parameter " + form->duplicates.front() + " is repeated");
  return std::move(*form);
}

std::variant<ClientFormRequest, net::Reply> read_client_form(ServerContext& ctx, const net::Request& request) {
  if (request.method() != http::verb::post) {
    auto reply = error_reply(Error::invalid_request("use POST"));
    reply.response.result(http::status::method_not_allowed);
    reply.response.set(http::field::allow, "POST");
    return reply;
  }
  auto read = read_oauth_form(request);
  if (auto* error = std::get_if<Error>(&read)) return error_reply(*error);
  auto& form = std::get<net::Form>(read);
  bool used_basic = false;
  auto authenticated = authenticate_client(request, form, *ctx.stores.clients, used_basic);
  if (auto* error = std::get_if<Error>(&authenticated)) return error_reply(*error, used_basic);
  return ClientFormRequest{std::move(form), std::move(std::get<AuthenticatedClient>(authenticated).client)};
}

net::Reply token_endpoint(ServerContext& ctx, const net::Request& request) {
  auto read = read_oauth_form(request);
  if (auto* error = std::get_if<Error>(&read)) {
    auto reply = error_reply(*error);
    if (request.method() != http::verb::post) {
      reply.response.result(http::status::method_not_allowed);
      reply.response.set(http::field::allow, "POST");
    }
    return reply;
  }
  const auto& form = std::get<net::Form>(read);
  const auto* grant_type = form.get("grant_type");
  if (!grant_type) return error_reply(Error::invalid_request("grant_type is required"));
  // TK5: only the two grants MCP uses; client_credentials, password,
  // implicit, device code and anything else are refused before any lookup.
  if (*grant_type != "authorization_code" && *grant_type != "refresh_token")
    return error_reply(Error::unsupported_grant_type("grant_type " + *grant_type + " is not supported"));

  bool used_basic = false;
  auto authenticated = authenticate_client(request, form, *ctx.stores.clients, used_basic);
  if (auto* error = std::get_if<Error>(&authenticated)) return error_reply(*error, used_basic);
  const auto& client = std::get<AuthenticatedClient>(authenticated);
  if (!client.client.grant_types.empty() &&
      std::find(client.client.grant_types.begin(), client.client.grant_types.end(), *grant_type) ==
          client.client.grant_types.end() &&
      // refresh_token is implied by authorization_code for MCP clients (TK3).
      !(*grant_type == "refresh_token" &&
        std::find(client.client.grant_types.begin(), client.client.grant_types.end(), "authorization_code") !=
            client.client.grant_types.end()))
    return error_reply(Error::unauthorized_client("this client may not use " + *grant_type));

  auto result = *grant_type == "authorization_code" ? exchange_authorization_code(ctx, client, form)
                                                    : refresh_access_token(ctx, client, form);
  if (auto* error = std::get_if<Error>(&result)) return error_reply(*error);
  return json_reply(http::status::ok, std::get<boost::json::object>(result));
}

}  // namespace gatehouse::oauth
