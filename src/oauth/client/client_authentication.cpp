#include "oauth/client/client_authentication.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/jws.hpp"
#include "crypto/jwt.hpp"
#include "oauth/client/client_assertion.hpp"
#include "oauth/client/client_id_url.hpp"
#include "oauth/client/client_resolver.hpp"

#include <spdlog/spdlog.h>

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

// A registered client: its secret, or none for a public one.
std::optional<Error> check_secret(const store::Client& client, const ClientCredentials& presented) {
  if (presented.method == "private_key_jwt")
    return Error::invalid_client("this client authenticates with a secret or as a public client, not with an assertion");
  if (client.secret_hash.empty()) {
    if (presented.method != "none") return Error::invalid_client("this client is public and has no secret");
    return std::nullopt;
  }
  if (presented.method == "none") return Error::invalid_client("this client must authenticate with its secret");
  if (!crypto::constant_time_equal(token_hash(presented.secret), client.secret_hash))
    return Error::invalid_client("the client secret is wrong");
  return std::nullopt;
}

// The `sub` of a JWT, read before verification to find the client whose
// keys verify it (RFC 7523 §3 item 2: sub is the client_id).
std::optional<std::string> assertion_subject(std::string_view jwt) {
  auto jws = crypto::decode_compact_jws(jwt);
  if (!jws) return std::nullopt;
  auto claims = crypto::parse_json_object(jws->payload);
  if (!claims) return std::nullopt;
  auto sub = crypto::string_claim(*claims, "sub");
  if (!sub || sub->empty()) return std::nullopt;
  return std::string(*sub);
}

}  // namespace

std::variant<ClientCredentials, Error> read_client_credentials(const net::Request& request, const net::Form& form,
                                                               bool& used_basic) {
  auto basic = basic_credentials(request);
  used_basic = basic.has_value();
  const std::string* body_id = form.get("client_id");
  const std::string* body_secret = form.get("client_secret");
  const std::string* assertion_type = form.get("client_assertion_type");
  const std::string* assertion = form.get("client_assertion");
  // RFC 6749 §2.3: one authentication method per request.
  if (static_cast<int>(basic.has_value()) + static_cast<int>(body_secret != nullptr) +
          static_cast<int>(assertion != nullptr || assertion_type != nullptr) >
      1)
    return Error::invalid_request("use one client authentication method, not two");

  ClientCredentials out;
  if (basic) {
    if (basic->id.empty()) return Error::invalid_client("the Basic credentials are malformed");
    if (body_id && *body_id != basic->id) return Error::invalid_request("client_id differs from the Basic credentials");
    out.client_id = basic->id;
    out.secret = basic->secret;
    out.method = "client_secret_basic";
    return out;
  }
  if (assertion || assertion_type) {
    // RFC 7523 §2.2: both parameters; the client is the assertion's subject.
    if (!assertion_type || *assertion_type != kJwtBearerClientAssertionType)
      return Error::invalid_client("client_assertion_type must be " + std::string(kJwtBearerClientAssertionType));
    if (!assertion || assertion->empty()) return Error::invalid_client("client_assertion is missing");
    auto subject = assertion_subject(*assertion);
    if (!subject) return Error::invalid_client("the client assertion is not a JWT with a sub claim");
    if (body_id && *body_id != *subject) return Error::invalid_client("client_id differs from the client assertion's sub");
    out.client_id = *subject;
    out.assertion = *assertion;
    out.method = "private_key_jwt";
    return out;
  }
  if (!body_id) return Error::invalid_client("the client is not identified: send client_id or Basic credentials");
  out.client_id = *body_id;
  if (body_secret) {
    out.secret = *body_secret;
    out.method = "client_secret_post";
  } else {
    out.method = "none";
  }
  return out;
}

boost::asio::awaitable<std::variant<AuthenticatedClient, Error>> authenticate_client(ServerContext& ctx,
                                                                                     ClientResolver& clients,
                                                                                     const net::Request& request,
                                                                                     const net::Form& form,
                                                                                     bool& used_basic) {
  using Out = std::variant<AuthenticatedClient, Error>;
  auto read = read_client_credentials(request, form, used_basic);
  if (auto* error = std::get_if<Error>(&read)) co_return Out{*error};
  auto presented = std::move(std::get<ClientCredentials>(read));

  auto resolved = co_await clients.resolve(presented.client_id);
  // TK5 (CLAUDE): a client we do not know (e.g. a removed registration) is
  // 401 invalid_client, which makes Claude register again.
  if (auto* refusal = std::get_if<ClientRefusal>(&resolved)) {
    std::string description = "unknown client";
    if (is_client_id_url(presented.client_id))
      description = "the client's metadata document cannot be used: " + refusal->reason;
    co_return Out{Error::invalid_client(std::move(description)).with_debug("client_id " + presented.client_id)};
  }
  auto& found = std::get<ResolvedClient>(resolved);

  if (!found.document) {
    if (auto error = check_secret(found.client, presented)) co_return Out{*error};
    co_return Out{AuthenticatedClient{std::move(found.client), presented.method}};
  }

  // A Client ID Metadata Document client (CI4): no shared secret ever; the
  // document says whether it is public or signs assertions.
  const auto& document = *found.document;
  if (presented.method == "client_secret_basic" || presented.method == "client_secret_post")
    co_return Out{Error::invalid_client("a client identified by a metadata document has no client secret")};
  if (document.token_endpoint_auth_method != "private_key_jwt") {
    if (presented.method != "none")
      co_return Out{Error::invalid_client("the client's metadata document says token_endpoint_auth_method none")};
    co_return Out{AuthenticatedClient{std::move(found.client), "none"}};
  }
  if (presented.method != "private_key_jwt")
    co_return Out{Error::invalid_client(
        "the client's metadata document says private_key_jwt: authenticate with a client_assertion (RFC 7523)")};
  auto keys = co_await clients.keys_of(found.document);
  if (auto* why = std::get_if<std::string>(&keys))
    co_return Out{Error::invalid_client("the client's keys cannot be used: " + *why)};
  ClientAssertionRules rules;
  rules.client_id = document.client_id;
  rules.audiences = {ctx.settings.endpoint("/token"), ctx.settings.issuer};
  rules.now = ctx.now();
  auto verified = verify_client_assertion(presented.assertion, *std::get<std::shared_ptr<const crypto::JwkSet>>(keys), rules);
  if (auto* error = std::get_if<Error>(&verified)) co_return Out{*error};
  const auto& accepted = std::get<ClientAssertion>(verified);
  // RFC 7523 §3 item 7: a jti is used once; the record outlives the
  // assertion's expiry, and the store keeps it across restarts.
  if (!ctx.stores.client_assertions->record(document.client_id, accepted.jti, accepted.expires_at, rules.now)) {
    spdlog::warn("client assertion replayed: client {} jti {}", document.client_id, accepted.jti);
    co_return Out{Error::invalid_client("this client assertion was already used (jti replay)")};
  }
  co_return Out{AuthenticatedClient{std::move(found.client), "private_key_jwt"}};
}

}  // namespace gatehouse::oauth
