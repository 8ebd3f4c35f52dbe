#include "oauth/token/signing_keys.hpp"

namespace gatehouse::oauth {

const crypto::EcKey* SigningKeySet::find(std::string_view kid) const {
  for (const auto& e : keys)
    if (e.kid == kid) return &e.key;
  return nullptr;
}

const SigningKeySet::Entry* SigningKeySet::active() const {
  for (const auto& e : keys)
    if (e.active) return &e;
  return nullptr;
}

boost::json::object SigningKeySet::jwks() const {
  boost::json::array list;
  for (const auto& e : keys) list.push_back(e.key.public_jwk(e.kid));
  return {{"keys", std::move(list)}};
}

}  // namespace gatehouse::oauth
