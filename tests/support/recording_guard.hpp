#pragma once
// An access guard for transport tests: lets everyone in as the principal
// the test passes, and answers a missing tool scope with a 403 while
// recording which scopes were asked for.
#include "net/access_guard.hpp"

#include <string>
#include <vector>

namespace gatehouse::testing_support {

class RecordingGuard final : public net::AccessGuard {
 public:
  std::variant<Principal, net::Reply> authenticate(const net::Request&) const override { return Principal{}; }
  net::Reply insufficient_scope(const Principal&, const std::vector<std::string>& needed,
                                unsigned version = 11) const override {
    asked = needed;
    return net::reply(net::json_response(boost::beast::http::status::forbidden, R"({"error":"insufficient_scope"})",
                                         version));
  }
  std::string_view refusal_reason(const net::Response&) const override { return "invalid"; }

  mutable std::vector<std::string> asked;
};

}  // namespace gatehouse::testing_support
