#pragma once
// POST /token (RFC 6749 §3.2; INTEROP TK1–TK5). The endpoint parses and
// authenticates; a grant handler decides.
#include "net/http.hpp"
#include "net/form.hpp"
#include "oauth/context.hpp"
#include "oauth/error.hpp"
#include "store/client_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <variant>

namespace gatehouse::oauth {

class ClientResolver;

boost::asio::awaitable<net::Reply> token_endpoint(ServerContext& ctx, ClientResolver& clients, const net::Request& request);

// Shared by the endpoints that take forms: POST, form content type, a body
// that parses, no duplicated parameters (RFC 6749 §3.1).
std::variant<net::Form, Error> read_oauth_form(const net::Request& request);

// A client's form request to /revoke or /introspect: POST (else 405), a good
// form, an authenticated client (else 401, with Basic when Basic was tried).
struct ClientFormRequest {
  net::Form form;
  store::Client client;
  std::string method;  // how the client authenticated ("none", ...)
};
boost::asio::awaitable<std::variant<ClientFormRequest, net::Reply>> read_client_form(ServerContext& ctx,
                                                                                     ClientResolver& clients,
                                                                                     const net::Request& request);

}  // namespace gatehouse::oauth
