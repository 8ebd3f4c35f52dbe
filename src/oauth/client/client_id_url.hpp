#pragma once
// Client ID Metadata Document URLs (INTEROP CI1; draft-ietf-oauth-client-id-
// metadata-document §3): a `client_id` that is an https URL names the
// document describing the client.
#include <string>
#include <string_view>
#include <optional>
#include <vector>

namespace gatehouse::oauth {

// True when `client_id` is meant as a document URL (it starts with
// "https://"); such a client_id is either a valid document URL or an error
// page (CI1) — never looked up as a registered client.
bool is_client_id_url(std::string_view client_id);

inline constexpr std::size_t kMaxClientIdUrlLength = 2048;

// nullopt when `client_id` is a valid document URL, else a reason fit for the
// error page ("client_id must ..."). Valid: at most 2048 characters, no
// whitespace or control characters, a URI (RFC 3986) with scheme "https", a
// host, no userinfo, a port only when listed in `allowed_ports`, a path
// other than "" and "/", no "." or ".." segment (also percent-encoded, e.g.
// "%2e%2E") and no encoded "/" or "\" in the path, no query (the draft says
// SHOULD NOT; refused here so that one client has one URL), no fragment.
std::optional<std::string> client_id_url_problem(std::string_view client_id,
                                                 const std::vector<unsigned short>& allowed_ports = {443});

}  // namespace gatehouse::oauth
