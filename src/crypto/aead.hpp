#pragma once
// Authenticated encryption with AES-256-GCM (NIST SP 800-38D) for secrets
// Gatehouse keeps at rest: upstream tokens and connection credentials
// (upstream/token_vault.hpp), and the pending upstream sign-in a browser
// carries in a cookie.
//
//   auto box = crypto::aead_seal(key, "grant gr_123", plaintext);
//   auto back = crypto::aead_open(key, "grant gr_123", box);  // nullopt if altered
//
// Each seal draws a fresh random 96-bit nonce (SP 800-38D §8.2.2: random
// nonces are safe for up to 2^32 seals under one key). The associated data
// binds a sealed value to what it belongs to: a value sealed for one grant
// does not open for another.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

inline constexpr std::size_t kAeadKeyBytes = 32;    // AES-256
inline constexpr std::size_t kAeadNonceBytes = 12;  // SP 800-38D §5.2.1.1
inline constexpr std::size_t kAeadTagBytes = 16;    // the full 128-bit tag

// nonce || ciphertext || tag, raw bytes. `key` must be kAeadKeyBytes long
// (std::invalid_argument otherwise).
std::string aead_seal(std::string_view key, std::string_view associated_data, std::string_view plaintext);

// The plaintext when `sealed` was made by aead_seal with this key and
// associated data and not altered since; nullopt otherwise (wrong key, other
// associated data, a changed bit, a truncated value).
std::optional<std::string> aead_open(std::string_view key, std::string_view associated_data, std::string_view sealed);

}  // namespace gatehouse::crypto
