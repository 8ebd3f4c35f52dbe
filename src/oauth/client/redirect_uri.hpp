#pragma once
// Redirect URI rules (INTEROP AZ3, RG2; OAuth 2.1 §4.1.1; RFC 8252 §7.3).
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
// https — or http on a loopback host (RG2).
std::string redirect_uri_problem(std::string_view uri);

bool is_loopback_redirect(std::string_view uri);

}  // namespace gatehouse::oauth
