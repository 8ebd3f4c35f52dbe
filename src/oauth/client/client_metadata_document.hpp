#pragma once
// Client ID Metadata Documents (INTEROP CI2, CI4;
// draft-ietf-oauth-client-id-metadata-document §4): parsing and validating
// a fetched document. Fetching (and the SSRF guard) is elsewhere; this is
// pure so that pinned copies (CI5) go through the same checks.
#include "oauth/client/redirect_uri.hpp"
#include "store/client_store.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gatehouse::oauth {

inline constexpr std::size_t kMaxClientMetadataDocumentBytes = 5120;  // CI2: ≤ 5 KB

struct ClientMetadataDocument {
  std::string client_id;                   // equals the URL it was fetched from
  std::string client_name;                 // "" when absent or not a string
  std::string client_uri;                  // "" unless an https URL
  std::string logo_uri;                    // "" unless an https URL
  std::string token_endpoint_auth_method;  // "none" or "private_key_jwt"
  std::vector<std::string> redirect_uris;  // non-empty, as listed, each one a URI a
                                           // registration could use (redirect_uris_problem)
  ApplicationType application_type = ApplicationType::web;  // as named, or the default
  std::vector<std::string> grant_types;    // as listed, unknown ones kept; RFC 7591 §2 default
                                           // ["authorization_code"] when absent
  std::optional<boost::json::object> jwks;  // when an object
  std::string jwks_uri;                     // "" unless an https URL
};

// The document in `body`, or the reason it is refused (for the error page
// and the log). Checks, in order: `content_type` is application/json
// (parameters allowed, any case); body ≤ `max_bytes`; a JSON object;
// `client_id` is a string equal to `fetched_url` (simple string comparison,
// §4.1); `redirect_uris` a non-empty array passing the same checks as a
// registration's (redirect_uris_problem: https, loopback http or a
// private-use scheme, no fragment; fitting `application_type` when the
// document names one, which must then be web or native); no `client_secret` / `client_secret_expires_at` (§4.1: a
// document cannot carry a shared secret); `token_endpoint_auth_method`
// absent ("none"), "none" or "private_key_jwt" — the latter with a `jwks`
// object or an https `jwks_uri` (not both, RFC 7591 §2); `grant_types`, when
// present, an array of strings — unknown values are kept (CLAUDE lists
// urn:ietf:params:oauth:grant-type:jwt-bearer). Unknown fields are ignored.
std::variant<ClientMetadataDocument, std::string> parse_client_metadata_document(
    std::string_view body, std::string_view content_type, std::string_view fetched_url,
    std::size_t max_bytes = kMaxClientMetadataDocumentBytes);

// CI4 + AZ3: `redirect_uri` is one the document lists, by exact string
// comparison, except that loopback http URIs may use any port (Claude Code's
// document lists http://localhost/callback without one).
bool document_allows_redirect(const ClientMetadataDocument& document, std::string_view redirect_uri);

// The document as the client record the authorize and token endpoints work
// with: a public client (no secret), response type "code". It is built per
// request from the (cached) document and must not be added to a ClientStore.
store::Client to_client(const ClientMetadataDocument& document);

}  // namespace gatehouse::oauth
