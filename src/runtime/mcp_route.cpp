#include "runtime/mcp_route.hpp"

namespace gatehouse::runtime {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

const Principal kAnonymous;

constexpr std::string_view kVerifications = "gatehouse_token_verifications_total";
constexpr std::string_view kVerificationsHelp = "Credentials checked at /mcp, by result";

class GuardedMcp {
 public:
  GuardedMcp(std::shared_ptr<mcp::StreamableHttp> transport, const net::AccessGuard& guard, net::Metrics& metrics)
      : transport_(std::move(transport)),
        guard_(guard),
        metrics_(metrics),
        // Looked up once: the accepted count moves on every request.
        valid_(metrics.counter(kVerifications, kVerificationsHelp, {{"result", "valid"}})) {}

  asio::awaitable<net::Reply> operator()(net::Request& request, const net::Peer&) const {
    if (request.method() == http::verb::options) co_return co_await transport_->handle(request, kAnonymous);
    auto authenticated = guard_.authenticate(request);
    if (auto* refusal = std::get_if<net::Reply>(&authenticated)) {
      metrics_.counter(kVerifications, kVerificationsHelp, {{"result", std::string(guard_.refusal_reason(refusal->response))}})
          .add();
      // A browser-based client reads the challenge only when CORS lets it.
      refusal->response.set(http::field::access_control_allow_origin, "*");
      refusal->response.set(http::field::access_control_expose_headers, "WWW-Authenticate");
      co_return std::move(*refusal);
    }
    valid_.add();
    const auto& principal = std::get<Principal>(authenticated);
    auto reply = co_await transport_->handle(request, principal);
    reply.client_id = principal.client_id;  // for the access log
    co_return reply;
  }

 private:
  std::shared_ptr<mcp::StreamableHttp> transport_;
  const net::AccessGuard& guard_;
  net::Metrics& metrics_;
  net::Metrics::Counter& valid_;
};

}  // namespace

net::Handler mcp_route(std::shared_ptr<mcp::StreamableHttp> transport, const net::AccessGuard* guard,
                       net::Metrics& metrics) {
  if (!guard)
    return [transport = std::move(transport)](net::Request& request, const net::Peer&) {
      return transport->handle(request, kAnonymous);
    };
  return GuardedMcp(std::move(transport), *guard, metrics);
}

}  // namespace gatehouse::runtime
