#pragma once
// The authorization server's signing keys (ES256): the active key signs new
// access tokens; retired keys still verify the tokens they signed until
// those expire. Readers take an immutable snapshot, so verification on the
// hot path takes no lock.
#include "crypto/ec_key.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace gatehouse::oauth {

struct SigningKeySet {
  struct Entry {
    std::string kid;
    crypto::EcKey key;
    bool active;
  };
  std::vector<Entry> keys;

  const crypto::EcKey* find(std::string_view kid) const;
  const Entry* active() const;
  // RFC 7517 JWK Set of the public halves, for /.well-known/jwks.json.
  boost::json::object jwks() const;
};

class SigningKeys {
 public:
  std::shared_ptr<const SigningKeySet> snapshot() const { return std::atomic_load(&set_); }
  void replace(std::shared_ptr<const SigningKeySet> set) { std::atomic_store(&set_, std::move(set)); }

 private:
  std::shared_ptr<const SigningKeySet> set_ = std::make_shared<SigningKeySet>();
};

}  // namespace gatehouse::oauth
