#pragma once
// Byte encodings: base64 (RFC 4648 §4), base64url without padding (§5), hex.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

std::string base64url_encode(std::string_view bytes);
// Standard base64 with padding (RFC 4648 §4), e.g. for HTTP Basic credentials.
std::string base64_encode(std::string_view bytes);
// nullopt for characters outside the alphabet or an impossible length;
// padding is not accepted (RFC 7515 §2 style).
std::optional<std::string> base64url_decode(std::string_view text);
// Strict standard base64: alphabet A-Z a-z 0-9 + /, length a multiple of 4,
// '=' only as final padding, and unused bits zero.
std::optional<std::string> base64_decode_strict(std::string_view text);
std::string hex_encode(std::string_view bytes);

}  // namespace gatehouse::crypto
