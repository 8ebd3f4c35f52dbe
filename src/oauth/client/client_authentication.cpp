#include "oauth/client/client_authentication.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "oauth/context.hpp"

namespace gatehouse::oauth {

namespace http = boost::beast::http;

namespace {

struct BasicCredentials {
  std::string id, secret;
};

// RFC 6749 §2.3.1: Basic with form-urlencoded id and secret.
std::optional<BasicCredentials> basic_credentials(const net::Request& request) {
  auto it = request.find(http::field::authorization);
  if (it == request.end()) return std::nullopt;
  std::string_view value = it->value();
  if (value.size() < 6 || (value.substr(0, 6) != "Basic " && value.substr(0, 6) != "basic ")) return std::nullopt;
  auto decoded = crypto::base64_decode_strict(value.substr(6));
  if (!decoded) return BasicCredentials{};
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return BasicCredentials{};
  auto id = net::url_decode(std::string_view(*decoded).substr(0, colon));
  auto secret = net::url_decode(std::string_view(*decoded).substr(colon + 1));
  if (!id || !secret) return BasicCredentials{};
  return BasicCredentials{*id, *secret};
}

}  // namespace

std::variant<AuthenticatedClient, Error> authenticate_client(const net::Request& request, const net::Form& form,
                                                             store::ClientStore& clients, bool& used_basic) {
  auto basic = basic_credentials(request);
  used_basic = basic.has_value();
  const std::string* body_id = form.get("client_id");
  const std::string* body_secret = form.get("client_secret");
  // RFC 6749 §2.3: one authentication method per request.
  if (basic && body_secret) return Error::invalid_request("use one client authentication method, not two");

  std::string client_id, secret, method;
  if (basic) {
    if (basic->id.empty()) return Error::invalid_client("the Basic credentials are malformed");
    if (body_id && *body_id != basic->id) return Error::invalid_request("client_id differs from the Basic credentials");
    client_id = basic->id;
    secret = basic->secret;
    method = "client_secret_basic";
  } else if (body_id) {
    client_id = *body_id;
    if (body_secret) {
      secret = *body_secret;
      method = "client_secret_post";
    } else {
      method = "none";
    }
  } else {
    return Error::invalid_client("the client is not identified: send client_id or Basic credentials");
  }

  auto client = clients.find(client_id);
  // TK5 (CLAUDE): a client we do not know (e.g. a removed registration) is
  // 401 invalid_client, which makes Claude register again.
  if (!client) return Error::invalid_client("unknown client").with_debug("client_id " + client_id);
  if (client->secret_hash.empty()) {
    if (method != "none") return Error::invalid_client("this client is public and has no secret");
  } else {
    if (method == "none") return Error::invalid_client("this client must authenticate with its secret");
    if (!crypto::constant_time_equal(token_hash(secret), client->secret_hash))
      return Error::invalid_client("the client secret is wrong");
  }
  return AuthenticatedClient{std::move(*client), method};
}

}  // namespace gatehouse::oauth
