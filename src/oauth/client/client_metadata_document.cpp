#include "oauth/client/client_metadata_document.hpp"
#include "net/text.hpp"

#include "oauth/client/redirect_uri.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include "net/url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace gatehouse::oauth {

namespace {

// RFC 9110 §8.3.1: type/subtype, case-insensitive, optional parameters.
bool is_json_media_type(std::string_view content_type) {
  return net::lower(net::trim_ows(content_type.substr(0, content_type.find(';')))) == "application/json";
}

bool is_https_url(std::string_view s) {
  auto u = net::parse_url(s);
  return u && u->scheme() == "https" && u->has_authority() && !u->encoded_host().empty() && !u->has_userinfo();
}

std::string string_or_empty(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::variant<ClientMetadataDocument, std::string> parse_client_metadata_document(std::string_view body,
                                                                                 std::string_view content_type,
                                                                                 std::string_view fetched_url,
                                                                                 std::size_t max_bytes) {
  // CI2: a JSON content type, at most max_bytes.
  if (!is_json_media_type(content_type))
    return "the document's content type is \"" + std::string(content_type) + "\", not application/json";
  if (body.size() > max_bytes)
    return "the document is larger than " + std::to_string(max_bytes) + " bytes";

  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(body, ec);
  if (ec) return "the document is not valid JSON";
  if (!root.is_object()) return "the document is not a JSON object";
  const auto& o = root.get_object();

  ClientMetadataDocument doc;

  // §4.1: client_id MUST equal the document's URL (simple string comparison).
  auto* client_id = o.if_contains("client_id");
  if (!client_id || !client_id->is_string()) return "the document has no client_id string";
  if (client_id->get_string() != fetched_url)
    return "the document's client_id \"" + std::string(client_id->get_string()) +
           "\" does not equal its URL \"" + std::string(fetched_url) + "\"";
  doc.client_id = client_id->get_string();

  // RFC 7591 §2; CI4: the redirect URIs the authorize request is checked against.
  auto* redirects = o.if_contains("redirect_uris");
  if (!redirects || !redirects->is_array()) return "the document has no redirect_uris array";
  if (redirects->get_array().empty()) return "the document's redirect_uris is empty";
  for (const auto& r : redirects->get_array()) {
    if (!r.is_string()) return "the document's redirect_uris contains a value that is not a string";
    doc.redirect_uris.emplace_back(r.get_string());
  }
  // The same rules as a registration (RG2, SEP-837), from the same
  // validator: a document is written by whoever controls its URL, so a
  // javascript: or plain-http redirect URI in it is refused as it would be
  // at /register.
  std::optional<ApplicationType> named_type;
  if (auto* type = o.if_contains("application_type")) {
    if (!type->is_string()) return "the document's application_type is not a string";
    named_type = parse_application_type(type->get_string());
    if (!named_type)
      return "the document's application_type \"" + std::string(type->get_string()) + "\" is not one of web, native";
  }
  if (auto problem = redirect_uris_problem(doc.redirect_uris, named_type); !problem.empty())
    return "the document's " + problem;
  doc.application_type = named_type.value_or(default_application_type(doc.redirect_uris));

  // §4.1: a document is public; shared secrets cannot be used (CI4).
  for (std::string_view secret : {"client_secret", "client_secret_expires_at"})
    if (o.contains(secret)) return "the document must not contain " + std::string(secret);

  // CI4: "none" or "private_key_jwt" only (§4.1: no shared-secret methods).
  doc.token_endpoint_auth_method = "none";
  if (auto* method = o.if_contains("token_endpoint_auth_method")) {
    if (!method->is_string()) return "the document's token_endpoint_auth_method is not a string";
    doc.token_endpoint_auth_method = method->get_string();
  }
  if (auto* jwks = o.if_contains("jwks"); jwks && jwks->is_object()) doc.jwks = jwks->get_object();
  if (auto uri = string_or_empty(o, "jwks_uri"); is_https_url(uri)) doc.jwks_uri = uri;
  if (doc.token_endpoint_auth_method == "private_key_jwt") {
    // RFC 7523 §2.2 needs the client's keys; RFC 7591 §2: jwks and jwks_uri
    // MUST NOT both be present.
    if (o.contains("jwks") && o.contains("jwks_uri"))
      return "the document must not contain both jwks and jwks_uri";
    if (o.contains("jwks") && (!doc.jwks || !doc.jwks->contains("keys") || !doc.jwks->at("keys").is_array()))
      return "the document's jwks is not a JWK Set (an object with a \"keys\" array)";
    if (o.contains("jwks_uri") && doc.jwks_uri.empty()) return "the document's jwks_uri is not an https URL";
    if (!doc.jwks && doc.jwks_uri.empty())
      return "token_endpoint_auth_method private_key_jwt requires jwks or jwks_uri";
  } else if (doc.token_endpoint_auth_method != "none") {
    return "the document's token_endpoint_auth_method \"" + doc.token_endpoint_auth_method +
           "\" is not allowed (only none or private_key_jwt)";
  }

  // CI4: unknown grant types are tolerated; the shape is not.
  if (auto* grants = o.if_contains("grant_types")) {
    if (!grants->is_array()) return "the document's grant_types is not an array";
    for (const auto& g : grants->get_array()) {
      if (!g.is_string()) return "the document's grant_types contains a value that is not a string";
      doc.grant_types.emplace_back(g.get_string());
    }
  } else {
    doc.grant_types = {"authorization_code"};  // RFC 7591 §2 default
  }

  // Display metadata (AZ6): kept when well-formed, silently dropped otherwise.
  doc.client_name = string_or_empty(o, "client_name");
  if (auto uri = string_or_empty(o, "client_uri"); is_https_url(uri)) doc.client_uri = uri;
  if (auto uri = string_or_empty(o, "logo_uri"); is_https_url(uri)) doc.logo_uri = uri;
  return doc;
}

bool document_allows_redirect(const ClientMetadataDocument& document, std::string_view redirect_uri) {
  return redirect_uri_allowed(document.redirect_uris, redirect_uri);
}

store::Client to_client(const ClientMetadataDocument& document) {
  store::Client c;
  c.client_id = document.client_id;
  c.client_name = document.client_name;
  c.redirect_uris = document.redirect_uris;
  c.grant_types = document.grant_types;
  c.response_types = {"code"};
  c.token_endpoint_auth_method = document.token_endpoint_auth_method;
  c.application_type = std::string(to_string(document.application_type));
  boost::json::object meta;
  meta["client_id"] = document.client_id;
  if (!document.client_name.empty()) meta["client_name"] = document.client_name;
  if (!document.client_uri.empty()) meta["client_uri"] = document.client_uri;
  if (!document.logo_uri.empty()) meta["logo_uri"] = document.logo_uri;
  boost::json::array redirects;
  for (const auto& r : document.redirect_uris) redirects.emplace_back(r);
  meta["redirect_uris"] = std::move(redirects);
  meta["token_endpoint_auth_method"] = document.token_endpoint_auth_method;
  c.metadata_json = boost::json::serialize(meta);
  return c;
}

}  // namespace gatehouse::oauth
