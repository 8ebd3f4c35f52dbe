#include "oauth/endpoint/metadata.hpp"

#include "net/url.hpp"

#include <boost/url/parse.hpp>

namespace gatehouse::oauth {

namespace json = boost::json;

namespace {
json::array strings(std::initializer_list<std::string_view> values) {
  json::array out;
  for (auto v : values) out.emplace_back(v);
  return out;
}
}  // namespace

json::object authorization_server_metadata(const Settings& s) {
  json::array scopes;
  for (const auto& scope : s.scopes) scopes.emplace_back(scope);
  scopes.emplace_back("offline_access");
  // AS3: `none` is what makes Claude use CIMD / public DCR clients.
  // private_key_jwt (RFC 7523) is for CIMD clients whose document says so.
  auto auth_methods = strings({"none", "client_secret_post", "client_secret_basic"});
  if (s.client_id_metadata_documents) auth_methods.emplace_back("private_key_jwt");
  json::object metadata{
      // AS1: exactly the URL the document was built from.
      {"issuer", s.issuer},
      {"authorization_endpoint", s.endpoint("/authorize")},
      {"token_endpoint", s.endpoint("/token")},
      {"registration_endpoint", s.endpoint("/register")},
      {"revocation_endpoint", s.endpoint("/revoke")},
      {"introspection_endpoint", s.endpoint("/introspect")},
      {"jwks_uri", s.endpoint("/.well-known/jwks.json")},
      {"scopes_supported", std::move(scopes)},
      {"response_types_supported", strings({"code"})},
      {"response_modes_supported", strings({"query"})},
      {"grant_types_supported", strings({"authorization_code", "refresh_token"})},
      // AS2: Claude refuses servers that do not list S256.
      {"code_challenge_methods_supported", strings({"S256"})},
      {"token_endpoint_auth_methods_supported", std::move(auth_methods)},
      {"revocation_endpoint_auth_methods_supported", strings({"none", "client_secret_post", "client_secret_basic"})},
      {"introspection_endpoint_auth_methods_supported", strings({"client_secret_post", "client_secret_basic"})},
      {"client_id_metadata_document_supported", s.client_id_metadata_documents},
      // RFC 9207: `iss` in every authorization response.
      {"authorization_response_iss_parameter_supported", true},
  };
  // RFC 8414 §2: required with private_key_jwt; the algorithms client
  // assertions may use (never "none" or a MAC).
  if (s.client_id_metadata_documents)
    metadata["token_endpoint_auth_signing_alg_values_supported"] = strings({"ES256", "PS256", "RS256"});
  return metadata;
}

json::object protected_resource_metadata(const Settings& s) {
  json::array scopes;
  for (const auto& scope : s.scopes) scopes.emplace_back(scope);
  return {
      {"resource", s.resource},
      {"authorization_servers", json::array{json::string(s.issuer)}},
      {"scopes_supported", std::move(scopes)},
      {"bearer_methods_supported", strings({"header"})},
      {"resource_name", "Gatehouse MCP server"},
  };
}

std::string protected_resource_metadata_path(const Settings& s) {
  auto url = net::parse_url(s.resource);
  std::string path = url ? std::string(url->encoded_path()) : std::string();
  if (path == "/") path.clear();
  return "/.well-known/oauth-protected-resource" + path;
}

std::string protected_resource_metadata_url(const Settings& s) {
  return s.issuer + protected_resource_metadata_path(s);
}

}  // namespace gatehouse::oauth
