#pragma once
// Tamper-proof, expiring JSON tokens for state the server hands to a client
// and gets back later (requestState, login sessions, authorization requests
// in forms): "<base64url(payload)>.<base64url(HMAC-SHA-256)>". Integrity
// only — the payload is readable — so nothing secret goes in.
#include "time/clock.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace gatehouse::crypto {

class Sealer {
 public:
  // `key`: at least 32 bytes of secret. Expiry is stamped and checked in
  // `clock`'s wall time (Unix seconds travel with the token).
  Sealer(std::string key, std::chrono::seconds lifetime, const time::Clock& clock = time::system_clock());

  // Adds "exp" and seals.
  std::string seal(boost::json::object payload) const;
  // The payload when the MAC is right and it has not expired.
  std::optional<boost::json::object> open(std::string_view token) const;

  // A MAC over `data` under the same key (e.g. CSRF tokens), base64url.
  std::string mac(std::string_view data) const;

 private:
  std::string key_;
  std::chrono::seconds lifetime_;
  const time::Clock& clock_;
};

}  // namespace gatehouse::crypto
