#pragma once
// Proof Key for Code Exchange (RFC 7636), S256 only: OAuth 2.1 §4.1.1 and
// INTEROP AZ1 require it of every client, and `plain` is never accepted.
#include <string_view>

namespace gatehouse::oauth {

// A code_challenge is base64url(SHA-256(verifier)) without padding: exactly
// 43 characters of the base64url alphabet (RFC 7636 §4.2).
bool valid_code_challenge(std::string_view challenge);
// A code_verifier is 43–128 unreserved characters (RFC 7636 §4.1).
bool valid_code_verifier(std::string_view verifier);
// True when SHA-256(verifier) matches the challenge (constant time).
bool verify_pkce_s256(std::string_view verifier, std::string_view challenge);

}  // namespace gatehouse::oauth
