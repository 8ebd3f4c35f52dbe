#include "net/router.hpp"

#include "support/run.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

namespace asio = boost::asio;

asio::awaitable<Reply> ok(Request&, const Peer&) { co_return reply(json_response(http::status::ok, "{}")); }

Reply send(const Router& router, std::string target, std::string_view host) {
  Request request{http::verb::post, target, 11};
  if (!host.empty()) request.set(http::field::host, host);
  Peer peer;
  return testing::run([&]() -> asio::awaitable<Reply> { co_return co_await router(request, peer); });
}

Router loopback_router() {
  Router router;
  router.route("/register", ok).route("/token", ok).route("/.well-known/oauth-authorization-server", ok);
  router.route("/healthz", ok);
  router.check_host(OriginPolicy({.loopback_bind = true, .public_origin = "https://mcp.example.com"}), {"/healthz"});
  return router;
}

// L3: on a loopback listener a DNS-rebound name (the attacker's page, now
// resolving to 127.0.0.1) reaches no endpoint: 403 with a JSON error, before
// the route runs — /register and /token as much as /mcp.
TEST(Router, L3_ForeignHostIsRefusedOnEveryRoute) {
  auto router = loopback_router();
  for (const char* path : {"/register", "/token", "/.well-known/oauth-authorization-server", "/no-such-path"}) {
    for (const char* host : {"rebind.attacker.example", "rebind.attacker.example:8080", ""}) {
      auto reply = send(router, path, host);
      EXPECT_EQ(reply.response.result(), http::status::forbidden) << path << " Host: " << host;
      EXPECT_EQ(reply.response[http::field::content_type], "application/json");
      EXPECT_NE(reply.response.body().find("\"error\":\"forbidden\""), std::string::npos) << reply.response.body();
    }
    for (const char* host : {"127.0.0.1:8080", "localhost", "[::1]:8080", "mcp.example.com"})
      EXPECT_NE(send(router, path, host).response.result(), http::status::forbidden) << path << " Host: " << host;
  }
}

// L3: /healthz is exempt (it reveals nothing, and health checkers send Host
// names of their own).
TEST(Router, L3_HealthzIsExempt) {
  auto router = loopback_router();
  EXPECT_EQ(send(router, "/healthz", "lb.internal").response.result(), http::status::ok);
}

// L3: a public listener answers any Host (rebinding targets loopback
// services), as before.
TEST(Router, L3_PublicBindAcceptsAnyHost) {
  Router router;
  router.route("/register", ok);
  router.check_host(OriginPolicy({.loopback_bind = false}));
  EXPECT_EQ(send(router, "/register", "mcp.example.org").response.result(), http::status::ok);
}

}  // namespace
}  // namespace gatehouse::net
