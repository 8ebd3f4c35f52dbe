#pragma once
// How the counter stores (rate limits, sign-in failures) keep their keys: as
// the hex SHA-256 of the caller's key. Keys are built from request input
// (a user name, an address); hashing gives every stored key the same 64
// characters, so a request cannot make the store hold large values.
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <string>
#include <string_view>

namespace gatehouse::store {

inline std::string counter_key(std::string_view key) { return crypto::hex_encode(crypto::sha256(key)); }

}  // namespace gatehouse::store
