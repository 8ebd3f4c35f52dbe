#include "crypto/jws.hpp"

#include "crypto/encoding.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <utility>

namespace gatehouse::crypto {

std::string_view to_string(JwtError error) {
  switch (error) {
    case JwtError::malformed: return "malformed";
    case JwtError::unsupported_alg: return "unsupported_alg";
    case JwtError::unknown_kid: return "unknown_kid";
    case JwtError::bad_signature: return "bad_signature";
  }
  return "unknown";
}

std::optional<boost::json::object> parse_json_object(std::string_view text) {
  boost::json::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

std::optional<CompactJws> decode_compact_jws(std::string_view token) {
  // Bound the work an unauthenticated caller can cause before decoding.
  if (token.empty() || token.size() > kMaxJwtSize) return std::nullopt;

  // RFC 7515 §7.1 / §5.2 step 1: exactly three segments (a JWE's five, or
  // JSON serialization, are not accepted).
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;

  // §5.2 steps 2, 6, 7: base64url without padding (RFC 7515 §2); '=',
  // whitespace and the standard alphabet's '+' '/' are all refused.
  auto header_json = base64url_decode(token.substr(0, first));
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header_json || !payload || !signature) return std::nullopt;

  // §5.2 steps 3-4: the header is a JSON object.
  auto header = parse_json_object(*header_json);
  if (!header) return std::nullopt;
  return CompactJws{std::move(*header), token.substr(0, second), std::move(*payload), std::move(*signature)};
}

}  // namespace gatehouse::crypto
