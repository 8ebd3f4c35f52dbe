#include "doctor/check.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace gatehouse::doctor {

namespace {

// Sources: the MCP specification (2025-11-25 and 2026-07-28), the RFCs
// named, and the INTEROP rule ids (docs/doctor.md lists each with its
// origin). "observed" marks behaviour of Claude's connector seen in public
// reports rather than written in a specification.
constexpr std::array kChecks{
    // Deployment.
    CheckInfo{"deploy.https", "deploy", "the MCP URL uses https",
              "Serve the MCP endpoint over https with a certificate from a public CA; Claude does not connect to "
              "plain http URLs.",
              "MCP 2025-11-25 authorization \"Communication Security\"; INTEROP NET1"},
    CheckInfo{"deploy.port", "deploy", "the MCP URL is on port 443",
              "Serve on the default https port 443 (put a reverse proxy in front); Claude's connector has been "
              "reported to fail on other ports.",
              "INTEROP NET1 (observed)"},
    CheckInfo{"deploy.address", "deploy", "the host has a public IPv4 address and no private one",
              "Publish an A record with a public IPv4 address, and no record pointing at a private, loopback or "
              "link-local address: Claude connects from Anthropic's servers over IPv4.",
              "INTEROP NET1 (observed); RFC 6890"},
    CheckInfo{"deploy.certificate", "deploy", "the certificate verifies for the host name",
              "Install a certificate for exactly this host name, issued by a public CA, with the full chain "
              "(intermediates included); not expired.",
              "RFC 9110 §4.3.4; RFC 6125 §6"},
    CheckInfo{"deploy.redirect", "deploy", "the MCP URL answers without a redirect",
              "Give Claude the final URL (scheme, host and path exactly as served, trailing slash included or "
              "not). Clients do not follow redirects for POST, and a 301/302 turns the POST into a GET.",
              "RFC 9110 §15.4; INTEROP RS6 (observed)"},
    CheckInfo{"deploy.latency", "deploy", "answers arrive well within Claude's timeouts",
              "Make discovery and MCP answers fast: no cold start on the request path (keep one instance "
              "warm), no synchronous upstream calls before answering.",
              "INTEROP NET2 (observed)"},
    CheckInfo{"deploy.user_agent", "deploy", "Claude's user agents get the same answer as a browser",
              "Allow the user agents Claude-User (MCP requests) and python-httpx (OAuth discovery) through the "
              "WAF, bot protection or CDN rule that blocks them; Claude's requests come from Anthropic's servers, "
              "not from the user's browser.",
              "INTEROP NET1 (observed)"},
    // Transport.
    CheckInfo{"transport.discover", "transport", "server/discover (2026-07-28) is answered in JSON",
              "Answer server/discover with its result, or (a server of the initialization-based revisions) with "
              "a JSON-RPC error such as -32601 or -32022 in a JSON body, so that a dual-era client falls back "
              "to initialize. Never an HTML page or a 5xx.",
              "MCP 2026-07-28 server/discover; INTEROP MO2, MO4"},
    CheckInfo{"transport.initialize", "transport", "initialize (2025-11-25) succeeds",
              "Answer initialize with a result holding a protocolVersion the server supports, as "
              "application/json or text/event-stream; a session id in Mcp-Session-Id must be visible ASCII.",
              "MCP 2025-11-25 lifecycle and transports §2.5; INTEROP TR3, TR4"},
    CheckInfo{"transport.protocol_version", "transport", "MCP-Protocol-Version is honoured",
              "Accept MCP-Protocol-Version 2025-11-25 (and 2025-06-18, 2025-03-26) on every request after "
              "initialize, and answer 400 for a version the server does not support.",
              "MCP 2025-11-25 basic/transports \"Protocol Version Header\"; INTEROP TR5"},
    CheckInfo{"transport.origin", "transport", "requests without Origin are served",
              "Serve requests that carry no Origin header (Claude's servers send none); refuse only an Origin "
              "that is present and not allowed.",
              "MCP 2025-11-25 basic/transports \"Security Warning\"; INTEROP TR2"},
    CheckInfo{"transport.session", "transport", "an unknown session id gets 404",
              "Answer 404 to a request with an Mcp-Session-Id the server does not know (expired, from before a "
              "restart): clients start a new session only on 404.",
              "MCP 2025-11-25 basic/transports \"Session Management\"; INTEROP TR4"},
    CheckInfo{"transport.errors", "transport", "errors are JSON-RPC errors, not HTML",
              "Answer an unknown method with the JSON-RPC error -32601 and a malformed body with -32700, as "
              "application/json; never an HTML error page from a framework or proxy.",
              "JSON-RPC 2.0 §5.1; INTEROP TR6"},
    // Authorization discovery.
    CheckInfo{"auth.challenge", "auth", "the 401 challenge names the resource metadata",
              "Answer an unauthenticated request with 401 and WWW-Authenticate: Bearer "
              "resource_metadata=\"https://HOST/.well-known/oauth-protected-resource/PATH\", scope=\"...\" (an "
              "absolute URL, the scopes a client needs, no error= when no token was sent).",
              "RFC 9728 §5.1; RFC 6750 §3; MCP 2025-11-25 authorization \"Authorization Server Location\"; INTEROP RS2"},
    CheckInfo{"auth.prm", "auth", "the protected resource metadata is served",
              "Serve RFC 9728 metadata (JSON) at /.well-known/oauth-protected-resource/PATH and at "
              "/.well-known/oauth-protected-resource, and name it in the 401 challenge.",
              "RFC 9728 §3, §5.1; INTEROP RS5"},
    CheckInfo{"auth.prm_public", "auth", "the protected resource metadata needs no credentials",
              "Exempt /.well-known/* (and the OAuth endpoints) from the bearer check: clients fetch them before "
              "they hold a token.",
              "RFC 9728 §3; INTEROP RS6 (observed)"},
    CheckInfo{"auth.prm_resource", "auth", "resource in the metadata is exactly the MCP URL",
              "Set resource to exactly the URL Claude is given (same scheme, host, port and path; no added or "
              "missing trailing slash; not the bare origin). Tokens are requested for that value (RFC 8707) and "
              "clients compare it.",
              "RFC 9728 §3.3; RFC 8707 §2; INTEROP RS4, RS5"},
    CheckInfo{"auth.as_metadata", "auth", "authorization server metadata is found",
              "Serve RFC 8414 metadata at /.well-known/oauth-authorization-server (with the issuer's path "
              "appended when it has one), or OpenID Connect discovery, for the issuer listed in "
              "authorization_servers.",
              "RFC 8414 §3; OpenID Connect Discovery §4; INTEROP AS1, AS4"},
    CheckInfo{"auth.as_issuer", "auth", "the metadata's issuer is the URL it was found from",
              "Make issuer exactly the authorization server URL listed in authorization_servers (no trailing "
              "slash difference, same scheme and host); clients refuse metadata whose issuer differs.",
              "RFC 8414 §3.3; INTEROP AS1, MO5"},
    CheckInfo{"auth.as_pkce", "auth", "PKCE S256 is advertised",
              "Add \"code_challenge_methods_supported\": [\"S256\"] to the metadata (and enforce PKCE); Claude "
              "refuses an authorization server without it.",
              "OAuth 2.1 §4.1.1; RFC 8414 §2; INTEROP AS2"},
    CheckInfo{"auth.as_fields", "auth", "the metadata has the endpoints and grants Claude uses",
              "Advertise https authorization_endpoint and token_endpoint, response_types_supported [\"code\"], "
              "grant_types_supported with authorization_code and refresh_token, and "
              "authorization_response_iss_parameter_supported: true (with iss on every redirect).",
              "RFC 8414 §2; RFC 9207 §3; INTEROP AS2"},
    CheckInfo{"auth.client_type", "auth", "Claude can obtain a client without the user's help",
              "Advertise client_id_metadata_document_supported: true with \"none\" in "
              "token_endpoint_auth_methods_supported (Client ID Metadata Documents, preferred), or a "
              "registration_endpoint (Dynamic Client Registration). Otherwise every user must create a client "
              "and paste its id into Claude.",
              "MCP 2025-11-25 authorization \"Client Registration Approaches\"; INTEROP AS3 (observed)"},
    // Registration.
    CheckInfo{"dcr.register", "dcr", "Claude's registration request is accepted",
              "Accept an RFC 7591 registration with token_endpoint_auth_method none and redirect URI "
              "https://claude.ai/api/mcp/auth_callback without an initial access token; answer 201 JSON with "
              "client_id, integer times, and no null values (omit absent fields).",
              "RFC 7591 §3.1, §3.2.1; INTEROP RG1, RG2"},
    CheckInfo{"dcr.claude_com", "dcr", "the claude.com callback is accepted too",
              "Accept https://claude.com/api/mcp/auth_callback as well as the claude.ai one (an allowlist of "
              "callbacks must name both).",
              "INTEROP RG2 (observed)"},
    CheckInfo{"dcr.delete", "dcr", "the probe's registrations were removed",
              "Let a client delete its registration with its registration access token (RFC 7592), or expire "
              "clients that never complete a flow (Claude registers on every new connection).",
              "RFC 7592 §2.3; INTEROP RG3"},
    // Authorization endpoint.
    CheckInfo{"authorize.client", "authorize", "/authorize accepts the client Claude would use",
              "Accept Claude's client at /authorize: fetch its Client ID Metadata Document "
              "(https://claude.ai/oauth/mcp-oauth-client-metadata; keep a copy, since its host may challenge "
              "datacenter fetches), or the client it registered, with redirect_uri "
              "https://claude.ai/api/mcp/auth_callback, and show the sign-in page.",
              "draft-ietf-oauth-client-id-metadata-document §4; RFC 6749 §4.1.1; INTEROP AZ1-AZ4, CI1-CI5"},
    CheckInfo{"authorize.redirect_status", "authorize", "/authorize never redirects with 307 or 308",
              "Redirect with 302 or 303. A 307/308 repeats the method and body, and Claude's callback accepts "
              "only GET.",
              "RFC 9110 §15.4; OAuth 2.1 §7.5.1; INTEROP AZ7 (observed)"},
    CheckInfo{"authorize.open_redirect", "authorize", "an unregistered redirect_uri is not redirected to",
              "Compare redirect_uri with the registered ones by exact string and show an error page when it "
              "differs; never redirect to it, not even with an error.",
              "RFC 6749 §4.1.2.1; OAuth 2.1 §7.12; INTEROP AZ2, AZ3"},
    CheckInfo{"authorize.pkce", "authorize", "a request without PKCE is refused",
              "Require code_challenge with method S256 on every authorization request (redirect back with "
              "error=invalid_request when it is missing).",
              "OAuth 2.1 §4.1.1; INTEROP AZ1"},
    // Token endpoint.
    CheckInfo{"token.grant_type", "token", "token errors are JSON with the right code",
              "Answer token errors as application/json {\"error\": ..., \"error_description\": ...} with status "
              "400, and unsupported_grant_type for a grant type the server does not support.",
              "RFC 6749 §5.2; INTEROP TK5"},
    CheckInfo{"token.invalid_client", "token", "an unknown client gets 401 invalid_client",
              "Answer a token request from an unknown or deleted client with 401 and {\"error\": "
              "\"invalid_client\"}: Claude registers again only on that answer.",
              "RFC 6749 §5.2; INTEROP TK5 (observed)"},
    CheckInfo{"token.no_store", "token", "token endpoint answers are not cached",
              "Send Cache-Control: no-store on every token endpoint answer.", "RFC 6749 §5.1; INTEROP TK1"},
    CheckInfo{"revoke.unknown", "token", "revoking an unknown token answers 200",
              "Answer 200 to the revocation of a token the server does not know (it is already unusable).",
              "RFC 7009 §2.2; INTEROP RV1"},
    // The whole flow.
    CheckInfo{"flow.authorize", "flow", "the authorization answer comes back to the callback",
              "Redirect to the callback with 302 or 303 carrying code, the same state, and iss (equal to the "
              "issuer) when authorization_response_iss_parameter_supported is true.",
              "RFC 6749 §4.1.2; RFC 9207 §2; INTEROP AZ7, MO5"},
    CheckInfo{"flow.token", "flow", "the code is redeemed for a bearer token",
              "Answer the code exchange with access_token, token_type \"Bearer\", a numeric expires_in, and "
              "Cache-Control: no-store.",
              "RFC 6749 §5.1; INTEROP TK2, TK3"},
    CheckInfo{"flow.offline_access", "flow", "a refresh token is issued without offline_access",
              "Issue a refresh token with every authorization code grant; Claude does not ask for "
              "offline_access and otherwise makes the user sign in again when the access token expires.",
              "INTEROP TK3 (observed)"},
    CheckInfo{"flow.audience", "flow", "the access token's audience is the MCP URL",
              "Mint access tokens with aud equal to the resource the client asked for (the MCP URL), and "
              "accept them at that URL (compare without the trailing slash difference).",
              "RFC 8707 §2; RFC 9068 §3; INTEROP RS4"},
    CheckInfo{"flow.mcp", "flow", "MCP calls succeed with the token",
              "Accept the access token on every MCP request (Authorization: Bearer) in each protocol era the "
              "server announces.",
              "MCP 2025-11-25 authorization \"Access Token Usage\"; INTEROP RS1, MO1"},
    CheckInfo{"flow.refresh", "flow", "refresh tokens rotate",
              "Issue a new refresh token on every refresh and refuse the old one afterwards (tolerating a short "
              "retry window), as OAuth 2.1 requires for public clients; a refresh token that never rotates stays "
              "valid for anyone who copied it.",
              "OAuth 2.1 §4.3.1; INTEROP TK4"},
    CheckInfo{"flow.revoke", "flow", "revocation ends the refresh token",
              "Implement RFC 7009 revocation: after revoking a refresh token, refreshing with it fails with "
              "invalid_grant.",
              "RFC 7009 §2; INTEROP RV1"},
};

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::warn: return "warn";
    case Verdict::fail: return "fail";
    case Verdict::skip: return "skip";
  }
  return "skip";
}

std::span<const CheckInfo> catalogue() { return kChecks; }

const CheckInfo& check_info(std::string_view id) {
  for (const auto& check : kChecks)
    if (check.id == id) return check;
  throw std::logic_error("unknown doctor check " + std::string(id));
}

}  // namespace gatehouse::doctor
