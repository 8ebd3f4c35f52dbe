#pragma once
// HMAC-SHA-256 (RFC 2104) and SHA-256, from OpenSSL, plus a constant-time
// comparison for secrets and MACs.
#include <string>
#include <string_view>

namespace gatehouse::crypto {

std::string sha256(std::string_view data);                          // 32 raw bytes
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
// True when equal; the time taken does not depend on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace gatehouse::crypto
