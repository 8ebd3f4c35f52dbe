#pragma once
// The keys that sign access tokens (ES256 JWTs) and are published as the
// JWKS. Rotation: add a new key, retire the old one (it stays in the JWKS
// until tokens it signed have expired), then remove it.
//
// The private key is stored as given; the persistent store's file is
// created with mode 0600 for that reason. Sealing the PEM under a key from
// the environment, if wanted, is the caller's step.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

struct SigningKey {
  std::string kid;                // JWS "kid" (RFC 7515 §4.1.4), unique
  std::string algorithm;          // JWS "alg", "ES256"
  std::string private_key_pem;    // PKCS#8 PEM
  std::int64_t created_at = 0;    // Unix seconds
  std::int64_t retired_at = 0;    // 0: may sign (the newest such key signs);
                                  // otherwise only verifies, until removed

  bool operator==(const SigningKey&) const = default;
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class SigningKeyStore {
 public:
  virtual ~SigningKeyStore() = default;

  // False, and nothing changes, when the kid exists.
  virtual bool add(const SigningKey& key) = 0;
  // Every key, retired ones included, ordered by created_at, then kid.
  virtual std::vector<SigningKey> list() = 0;
  // retired_at = at. False when unknown or already retired.
  virtual bool retire(std::string_view kid, std::int64_t at) = 0;
  virtual bool remove(std::string_view kid) = 0;
};

}  // namespace gatehouse::store
