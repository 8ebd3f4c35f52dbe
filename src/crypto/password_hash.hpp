#pragma once
// Password hashing with scrypt (RFC 7914) from OpenSSL 3, stored as a
// self-describing PHC string-format value:
//
//   $scrypt$ln=14,r=8,p=1$<salt>$<hash>
//
// ln is log2 of the CPU/memory cost N (RFC 7914 §2), r the block size, p the
// parallelisation; <salt> (16 random bytes) and <hash> (32 bytes) use the PHC
// "B64" encoding: standard base64 alphabet (RFC 4648 §4) without padding.
//
// Because the parameters travel with each hash, verify_password() keeps
// accepting old hashes after kDefaultScryptParams is raised, and
// needs_rehash() tells the caller to store a fresh hash after the next
// successful login.
#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

struct ScryptParams {
  unsigned log2_n = 14;  // N = 2^log2_n
  unsigned r = 8;
  unsigned p = 1;
  friend bool operator==(const ScryptParams&, const ScryptParams&) = default;
};

// OWASP Password Storage Cheat Sheet (scrypt): N = 2^17, r = 8, p = 1 —
// 128 MiB and 8 times the work of the previous default (2^14, 62-89 ms on
// the 2-core build machine lightly loaded; 2^17 took 0.75-2.1 s there under a
// load of 10-13, about 0.5-0.7 s expected idle: docs/oauth.md, and the unit
// test DefaultCostIsMeasured prints the current figure), so
// sign-in runs it off the I/O threads, a bounded number at a time
// (oauth::PasswordVerifier). Hashes made under an older default keep
// verifying (the parameters travel with each hash) and are replaced at the
// next successful sign-in (needs_rehash).
inline constexpr ScryptParams kDefaultScryptParams{17, 8, 1};

inline constexpr std::size_t kPasswordSaltBytes = 16;
inline constexpr std::size_t kPasswordHashBytes = 32;

// Hashes with a fresh random salt and kDefaultScryptParams. Throws
// std::runtime_error only if OpenSSL cannot run scrypt at all (e.g. a
// provider configuration without it) — never for any password value.
std::string hash_password(std::string_view password);
// As above with explicit parameters (tests, tuning). Throws
// std::invalid_argument for parameters outside the accepted range
// (1 <= ln <= 20, 1 <= r <= 32, 1 <= p <= 16, at most 256 MiB of memory,
// r*p*N <= 2^24); the same bounds apply to hashes read back.
std::string hash_password(std::string_view password, const ScryptParams& params);

// True when `password` matches `encoded`. Uses the parameters stored in the
// string. Returns false — never throws — for anything malformed, for
// parameters outside the accepted range, or if scrypt fails. The final
// comparison is constant-time.
//
// Callers should still spend one verification on a dummy hash for unknown
// accounts so response time does not reveal which accounts exist.
bool verify_password(std::string_view password, std::string_view encoded) noexcept;

// True when `encoded` should be replaced by a fresh hash_password() value:
// it is malformed, or its parameters, salt length or hash length differ from
// `current` (normally kDefaultScryptParams).
bool needs_rehash(std::string_view encoded, const ScryptParams& current = kDefaultScryptParams) noexcept;

}  // namespace gatehouse::crypto
