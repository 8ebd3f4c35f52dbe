#include "crypto/sealer.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <boost/json.hpp>

namespace gatehouse::crypto {

namespace json = boost::json;

Sealer::Sealer(std::string key, std::chrono::seconds lifetime, const time::Clock& clock)
    : key_(std::move(key)), lifetime_(lifetime), clock_(clock) {}

std::string Sealer::seal(json::object payload) const {
  auto expires = clock_.unix_seconds() + lifetime_.count();
  payload["exp"] = expires;
  auto body = base64url_encode(json::serialize(payload));
  return body + "." + base64url_encode(hmac_sha256(key_, body));
}

std::optional<json::object> Sealer::open(std::string_view token) const {
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto body = token.substr(0, dot);
  auto mac = base64url_decode(token.substr(dot + 1));
  if (!mac || !constant_time_equal(*mac, hmac_sha256(key_, body))) return std::nullopt;
  auto text = base64url_decode(body);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto payload = json::parse(*text, ec);
  if (ec || !payload.is_object()) return std::nullopt;
  auto* exp = payload.as_object().if_contains("exp");
  auto now = clock_.unix_seconds();
  if (!exp || !exp->is_int64() || exp->get_int64() < now) return std::nullopt;
  return std::move(payload.as_object());
}

std::string Sealer::mac(std::string_view data) const { return base64url_encode(hmac_sha256(key_, data)); }

}  // namespace gatehouse::crypto
