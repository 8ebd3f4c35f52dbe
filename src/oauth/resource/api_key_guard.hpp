#pragma once
// `--auth api-key`: static bearer keys for private deployments and clients
// that cannot do OAuth. Claude cannot use this mode (it does not accept
// user-pasted bearer tokens), so a server meant for Claude uses OAuth.
//
// Keys are created with `gatehouse clients add NAME --api-key`, shown once
// and stored as SHA-256 hashes. A key is looked up in the store the first
// time it is seen, then served from memory for a minute: requests do not
// touch the database, and a removed key stops working within a minute.
#include "net/access_guard.hpp"
#include "net/http.hpp"
#include "store/client_store.hpp"
#include "time/clock.hpp"

#include <gatehouse/principal.hpp>

#include <chrono>
#include <mutex>
#include <unordered_map>
#include <variant>
#include <vector>

namespace gatehouse::oauth {

class ApiKeyGuard final : public net::AccessGuard {
 public:
  // The minute is measured on `clock`'s monotonic time.
  ApiKeyGuard(store::ClientStore& clients, std::vector<std::string> scopes,
              const time::Clock& clock = time::system_clock());
  std::variant<Principal, net::Reply> authenticate(const net::Request& request) const override;
  // A key carries the scopes of [oauth] scopes; a tool that needs another is
  // refused the way RFC 6750 §3.1 says, though no key can step up.
  net::Reply insufficient_scope(const Principal& principal, const std::vector<std::string>& needed,
                                unsigned version = 11) const override;
  // "missing" (no key sent) or "invalid".
  std::string_view refusal_reason(const net::Response& refusal) const override;

 private:
  struct Known {
    Principal principal;
    std::chrono::steady_clock::time_point until;
  };
  store::ClientStore& clients_;
  std::vector<std::string> scopes_;
  const time::Clock& clock_;
  mutable std::mutex mutex_;
  // By key hash. Issued keys and wrong ones are kept apart: anyone can send
  // wrong keys by the thousand, and only issued keys can fill `known_`, so
  // a flood of wrong keys never pushes the issued ones out (which would
  // send every request of every client to the store).
  mutable std::unordered_map<std::string, Known> known_;
  mutable std::unordered_map<std::string, std::chrono::steady_clock::time_point> wrong_;
};

}  // namespace gatehouse::oauth
