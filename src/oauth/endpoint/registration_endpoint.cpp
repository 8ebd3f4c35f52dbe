#include "oauth/endpoint/registration_endpoint.hpp"

#include "crypto/canonical_json.hpp"
#include "net/media_type.hpp"
#include "oauth/client/redirect_uri.hpp"
#include "oauth/endpoint/oauth_reply.hpp"
#include "oauth/scope.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxMetadataBytes = 16 * 1024;

std::variant<std::vector<std::string>, Error> string_list(const json::object& metadata, std::string_view key,
                                                         std::vector<std::string> fallback) {
  auto* v = metadata.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_array()) return Error::invalid_client_metadata(std::string(key) + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return Error::invalid_client_metadata(std::string(key) + " must be an array of strings");
    out.emplace_back(item.get_string());
  }
  return out;
}

json::array to_array(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

std::variant<store::Client, Error> validate(const json::object& metadata, const RegistrationPolicy& policy) {
  store::Client client;
  // SEP-837 (MCP 2026-07-28): registering clients send application_type,
  // with OpenID Connect Dynamic Client Registration 1.0 §2 semantics.
  std::optional<ApplicationType> named_type;
  if (auto* v = metadata.if_contains("application_type")) {
    if (!v->is_string()) return Error::invalid_client_metadata("application_type must be a string");
    named_type = parse_application_type(v->get_string());
    if (!named_type)
      return Error::invalid_client_metadata("application_type \"" + std::string(v->get_string()) +
                                            "\" is not one of web, native");
  }
  // RG2: redirect_uris are required, absolute, fragment-free, https or
  // loopback http (or a private-use scheme), and fit the application_type.
  auto redirects = string_list(metadata, "redirect_uris", {});
  if (auto* e = std::get_if<Error>(&redirects)) return Error::invalid_redirect_uri(e->description());
  client.redirect_uris = std::get<std::vector<std::string>>(redirects);
  if (auto problem = redirect_uris_problem(client.redirect_uris, named_type); !problem.empty())
    return Error::invalid_redirect_uri(problem);
  client.application_type = std::string(to_string(named_type.value_or(default_application_type(client.redirect_uris))));
  for (const auto& uri : client.redirect_uris) {
    if (!policy.redirect_uri_allowlist.empty() &&
        std::find(policy.redirect_uri_allowlist.begin(), policy.redirect_uri_allowlist.end(), uri) ==
            policy.redirect_uri_allowlist.end())
      return Error::invalid_redirect_uri("redirect URI " + uri + " is not allowed on this server");
  }

  // RFC 7591 §2: the default is client_secret_basic; MCP clients usually ask for none.
  std::string method = "client_secret_basic";
  if (auto* m = metadata.if_contains("token_endpoint_auth_method"); m && !m->is_null()) {
    if (!m->is_string()) return Error::invalid_client_metadata("token_endpoint_auth_method must be a string");
    method = m->get_string();
  }
  if (method != "none" && method != "client_secret_basic" && method != "client_secret_post")
    return Error::invalid_client_metadata("token_endpoint_auth_method " + method +
                                          " is not supported (none, client_secret_basic, client_secret_post)");
  client.token_endpoint_auth_method = method;

  // Only the grants MCP uses are kept; authorization_code is required.
  auto grants = string_list(metadata, "grant_types", {"authorization_code", "refresh_token"});
  if (auto* e = std::get_if<Error>(&grants)) return *e;
  for (const auto& g : std::get<std::vector<std::string>>(grants))
    if (g == "authorization_code" || g == "refresh_token") client.grant_types.push_back(g);
  if (std::find(client.grant_types.begin(), client.grant_types.end(), "authorization_code") == client.grant_types.end())
    return Error::invalid_client_metadata("grant_types must include authorization_code");
  if (std::find(client.grant_types.begin(), client.grant_types.end(), "refresh_token") == client.grant_types.end())
    client.grant_types.push_back("refresh_token");  // TK3: refresh tokens are always issued

  auto responses = string_list(metadata, "response_types", {"code"});
  if (auto* e = std::get_if<Error>(&responses)) return *e;
  for (const auto& r : std::get<std::vector<std::string>>(responses))
    if (r != "code") return Error::invalid_client_metadata("response_types may only contain code");
  client.response_types = {"code"};

  for (std::string_view key : {"client_name", "scope", "client_uri", "logo_uri", "application_type"})
    if (auto* v = metadata.if_contains(key); v && !v->is_null() && !v->is_string())
      return Error::invalid_client_metadata(std::string(key) + " must be a string");
  if (auto* name = metadata.if_contains("client_name"); name && name->is_string()) client.client_name = name->get_string();
  if (auto* scope = metadata.if_contains("scope"); scope && scope->is_string()) {
    // The same caps as a requested scope (audit M2).
    auto parsed = parse_requested_scope(scope->get_string());
    if (auto* problem = std::get_if<std::string>(&parsed)) return Error::invalid_client_metadata(*problem);
    client.scope = scope->get_string();
  }
  return client;
}

}  // namespace

net::Reply registration_endpoint(ServerContext& ctx, const RegistrationPolicy& policy, const net::Request& request,
                                 const net::Peer& peer) {
  if (request.method() != http::verb::post) {
    auto reply = error_reply(Error::invalid_request("use POST"));
    reply.response.result(http::status::method_not_allowed);
    reply.response.set(http::field::allow, "POST");
    return reply;
  }
  switch (net::json_content_type(request[http::field::content_type])) {
    case net::JsonContentType::json: break;
    case net::JsonContentType::not_json:
      return error_reply(Error::invalid_client_metadata("the body must be application/json"));
    case net::JsonContentType::unsupported_charset: {
      // L9: the body would be misread as UTF-8 (RFC 8259 §8.1).
      auto reply = error_reply(Error::invalid_client_metadata("the body must be UTF-8 JSON (charset=utf-8 or none)"));
      reply.response.result(http::status::unsupported_media_type);
      return reply;
    }
  }
  boost::system::error_code ec;
  auto body = json::parse(request.body(), ec);
  if (ec || !body.is_object()) return error_reply(Error::invalid_client_metadata("the body must be a JSON object"));
  auto& metadata = body.as_object();
  // Registration is unauthenticated: bound what one client may store, and
  // keep names shown on the consent page short.
  if (request.body().size() > kMaxMetadataBytes)
    return error_reply(Error::invalid_client_metadata("the client metadata is larger than 16 KiB"));
  if (auto* name = metadata.if_contains("client_name"); name && name->is_string() && name->get_string().size() > 200)
    return error_reply(Error::invalid_client_metadata("client_name is longer than 200 characters"));
  // RG1: absent optional fields are omitted, never null (clients reject null).
  for (auto it = metadata.begin(); it != metadata.end();) {
    if (it->value().is_null()) it = metadata.erase(it);
    else ++it;
  }
  // RFC 7591 §3: a client cannot choose its own credentials.
  metadata.erase("client_id");
  metadata.erase("client_secret");
  metadata.erase("client_id_issued_at");
  metadata.erase("client_secret_expires_at");

  auto validated = validate(metadata, policy);
  if (auto* error = std::get_if<Error>(&validated)) return error_reply(*error);
  auto client = std::get<store::Client>(std::move(validated));
  bool is_public = client.token_endpoint_auth_method == "none";
  auto now = ctx.now();

  // RG3: identical public registrations share one record.
  if (is_public) {
    client.fingerprint = token_hash(crypto::canonical_json(metadata));
    if (auto existing = ctx.stores.clients->find_by_fingerprint(client.fingerprint)) {
      json::object response = json::parse(existing->metadata_json).as_object();
      response["client_id"] = existing->client_id;
      response["client_id_issued_at"] = existing->created_at;
      return json_reply(http::status::created, response);
    }
  }
  std::string source = peer.client.to_string();
  if (!ctx.stores.rate_limits->hit("register:" + source, 60, policy.registrations_per_minute, now))
    return error_reply(Error::too_many_requests("too many client registrations from this address; try again in a minute"));

  client.client_id = "gtc_" + ctx.random.token(16);
  client.kind = store::ClientKind::dynamic;
  client.created_at = now;
  std::string secret;
  if (!is_public) {
    secret = "gts_" + ctx.random.token(32);
    client.secret_hash = token_hash(secret);
  }
  // RG1: the registered metadata as stored, with the server's defaults filled in.
  metadata["redirect_uris"] = to_array(client.redirect_uris);
  metadata["grant_types"] = to_array(client.grant_types);
  metadata["response_types"] = to_array(client.response_types);
  metadata["token_endpoint_auth_method"] = client.token_endpoint_auth_method;
  metadata["application_type"] = client.application_type;
  client.metadata_json = json::serialize(metadata);
  if (!ctx.stores.clients->add(client)) {
    // A concurrent identical registration won the race: answer with it.
    if (auto existing = ctx.stores.clients->find_by_fingerprint(client.fingerprint)) client = *existing;
    else return error_reply(Error::server_error("the client could not be stored"));
  }
  spdlog::info("client {} registered ({}, {})", client.client_id, client.client_name,
               is_public ? "public" : "confidential");

  json::object response = metadata;
  response["client_id"] = client.client_id;
  response["client_id_issued_at"] = client.created_at;
  if (!secret.empty()) {
    response["client_secret"] = secret;
    response["client_secret_expires_at"] = 0;  // RFC 7591 §3.2.1: 0 = never
  }
  return json_reply(http::status::created, response);
}

}  // namespace gatehouse::oauth
