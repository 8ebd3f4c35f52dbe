#include "oauth/ui/csrf.hpp"

#include "crypto/hmac.hpp"

namespace gatehouse::oauth::ui {

std::string csrf_token(const crypto::Sealer& key, std::string_view browser, std::string_view sealed_request) {
  return key.mac(std::string("csrf|") + std::string(browser) + "|" + std::string(sealed_request));
}

bool csrf_token_valid(const crypto::Sealer& key, std::string_view browser, std::string_view sealed_request,
                      std::string_view token) {
  return crypto::constant_time_equal(token, csrf_token(key, browser, sealed_request));
}

}  // namespace gatehouse::oauth::ui
