#pragma once
// Redirect URI rules (INTEROP AZ3, RG2; OAuth 2.1 §4.1.1; RFC 8252 §7.3).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::oauth {

// True when `requested` may be used with a client that registered
// `registered`: exact string comparison, except that a loopback `http` URI
// (localhost, 127.0.0.1, [::1]) may differ in port — native apps and Claude
// Code pick a free port at run time, and Claude Code's document lists
// `http://localhost/callback` without one.
bool redirect_uri_matches(std::string_view registered, std::string_view requested);
bool redirect_uri_allowed(const std::vector<std::string>& registered, std::string_view requested);

// Why a URI may not be registered, or "" when it may: absolute, no fragment,
// https — or http on a loopback host (RG2) — or a private-use scheme
// (RFC 8252 §7.1, reverse domain name: com.example.app:/callback).
std::string redirect_uri_problem(std::string_view uri);

bool is_loopback_redirect(std::string_view uri);

// `application_type` (OpenID Connect Dynamic Client Registration 1.0 §2),
// which the 2026-07-28 MCP revision asks registering clients to send
// (SEP-837). It decides which redirect URIs fit:
//   web:    https on a host that is not loopback;
//   native: loopback http (RFC 8252 §7.3) or a private-use scheme (§7.1).
enum class ApplicationType { web, native };
std::string_view to_string(ApplicationType type);
// "web" or "native" (exact spelling), else nullopt.
std::optional<ApplicationType> parse_application_type(std::string_view text);

// The type of a client that did not name one (clients from before SEP-837):
// native when every redirect URI is loopback http or a private-use scheme,
// web otherwise.
ApplicationType default_application_type(const std::vector<std::string>& uris);

// The one check of a client's redirect URIs, for registrations (RG2) and
// Client ID Metadata Documents (CI4) alike: at least one; each passes
// redirect_uri_problem; and, when the client named its application_type,
// each fits that type. A client that named none keeps the general rule
// alone, so older clients that list https and loopback URIs together go on
// working. "" when they pass, else why (a sentence naming the URI).
std::string redirect_uris_problem(const std::vector<std::string>& uris, std::optional<ApplicationType> named);

}  // namespace gatehouse::oauth
