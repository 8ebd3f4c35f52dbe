#pragma once
// Cross-site request forgery on the authorization pages (RFC 6749 §10.12,
// RFC 9700 §4.7): every form carries the sealed authorization request and a
// token that binds it to this browser. A page elsewhere can make a browser
// post to /authorize, but it cannot know the token: it is a MAC over the
// browser's own cookie id and the sealed request, under the server's key.
#include "crypto/sealer.hpp"

#include <string>
#include <string_view>

namespace gatehouse::oauth::ui {

// The hidden fields of a form on the authorization pages.
struct SealedForm {
  std::string request;     // the validated authorization request, sealed (HMAC, expiring)
  std::string csrf_token;  // csrf_token() of that request for this browser
};

// The token for `sealed_request` shown to the browser whose id is `browser`.
std::string csrf_token(const crypto::Sealer& key, std::string_view browser, std::string_view sealed_request);

// Whether `token` came from a page shown to `browser` for `sealed_request`
// (compared in constant time).
bool csrf_token_valid(const crypto::Sealer& key, std::string_view browser, std::string_view sealed_request,
                      std::string_view token);

}  // namespace gatehouse::oauth::ui
