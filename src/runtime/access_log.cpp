#include "runtime/access_log.hpp"

#include "net/form.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <unordered_map>

namespace gatehouse::runtime {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::size_t kReasonChars = 200;
constexpr std::size_t kReadableBody = 8 * 1024;

std::string shorten(std::string text) {
  if (text.size() > kReasonChars) text = text.substr(0, kReasonChars) + "…";
  for (auto& c : text)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return text;
}

// The error code of an OAuth error body ("invalid_grant"), or "".
std::string oauth_error(const net::Response& response) {
  if (response.body().size() > kReadableBody) return {};
  boost::system::error_code ec;
  auto body = json::parse(response.body(), ec);
  if (ec || !body.is_object()) return {};
  if (auto* e = body.as_object().if_contains("error"); e && e->is_string()) return std::string(e->get_string());
  return {};
}

// /token, /authorize and /register, counted by what became of them.
void count_oauth_flow(std::string_view path, const net::Request& request, const net::Response& response,
                      net::Metrics& metrics) {
  const unsigned status = response.result_int();
  if (path == "/token") {
    std::string grant = "other";
    if (auto form = net::parse_form(request.body()))
      if (auto* g = form->get("grant_type"); g && (*g == "authorization_code" || *g == "refresh_token"))
        grant = *g;
    std::string outcome = status == 200 ? "issued" : oauth_error(response);
    if (outcome.empty()) outcome = "error";
    metrics
        .counter("gatehouse_oauth_token_requests_total", "Token requests by grant type and outcome (issued or the error)",
                 {{"grant_type", grant}, {"outcome", outcome}})
        .add();
  } else if (path == "/authorize") {
    // Only the ends of a sign-in count: the redirect back to the client.
    if (status < 300 || status >= 400) return;
    auto location = std::string_view(response[http::field::location]);
    std::string outcome = location.find("code=") != std::string_view::npos            ? "approved"
                          : location.find("error=access_denied") != std::string_view::npos ? "denied"
                                                                                          : "error";
    metrics.counter("gatehouse_oauth_authorizations_total", "Authorization requests ended by a redirect to the client",
                    {{"outcome", outcome}})
        .add();
  } else if (path == "/register") {
    std::string outcome = status == 201 ? "registered" : oauth_error(response);
    if (outcome.empty()) outcome = "error";
    metrics.counter("gatehouse_oauth_registrations_total", "Dynamic client registrations by outcome", {{"outcome", outcome}})
        .add();
  }
}

// The series of one route, found once per thread: the hot path then takes
// no lock and makes no label string.
struct RouteSeries {
  net::Metrics::Histogram* duration = nullptr;
  std::array<net::Metrics::Counter*, 600> by_status{};
};

RouteSeries& series_of(net::Metrics& metrics, const std::string& route) {
  thread_local std::unordered_map<const net::Metrics*, std::unordered_map<std::string, RouteSeries>> cache;
  auto& routes = cache[&metrics];
  auto it = routes.find(route);
  if (it == routes.end()) {
    it = routes.emplace(route, RouteSeries{}).first;
    it->second.duration = &metrics.histogram("gatehouse_http_request_duration_seconds",
                                             "Time to the response head, by route", {{"route", route}});
  }
  return it->second;
}

}  // namespace

std::string refusal_reason(const net::Response& response) {
  if (response.body().size() > kReadableBody) return {};
  boost::system::error_code ec;
  auto body = json::parse(response.body(), ec);
  if (ec || !body.is_object()) return {};
  const auto& o = body.as_object();
  // JSON-RPC: {"error": {"code": ..., "message": ...}}
  if (auto* e = o.if_contains("error"); e && e->is_object())
    if (auto* m = e->as_object().if_contains("message"); m && m->is_string()) return shorten(std::string(m->get_string()));
  // OAuth and plain API errors: {"error": "...", "error_description": "..."}
  if (auto* e = o.if_contains("error"); e && e->is_string()) {
    std::string out(e->get_string());
    if (auto* d = o.if_contains("error_description"); d && d->is_string()) out += ": " + std::string(d->get_string());
    return shorten(std::move(out));
  }
  return {};
}

net::Handler observed(const net::Router& router, net::Metrics& metrics, const time::Clock& clock) {
  return [&router, &metrics, &clock](net::Request& request, const net::Peer& peer) -> boost::asio::awaitable<net::Reply> {
    const auto start = clock.monotonic();
    const std::string path(net::Router::path_of(request.target()));
    const std::string method(request.method_string());
    auto reply = co_await router(request, peer);
    const auto elapsed = std::chrono::duration<double>(clock.monotonic() - start).count();
    const unsigned status = reply.response.result_int();

    // Route labels are the routed paths only: a client requesting random
    // paths must not make new time series.
    const std::string route = router.routes(path) ? path : "other";
    auto& series = series_of(metrics, route);
    auto*& served = series.by_status[std::min(status, 599u)];
    if (!served)
      served = &metrics.counter("gatehouse_http_requests_total", "HTTP requests answered, by route and status",
                                {{"route", route}, {"status", std::to_string(status)}});
    served->add();
    series.duration->observe(elapsed);
    count_oauth_flow(path, request, reply.response, metrics);

    // Nothing below is needed when the access log is off (--log-level warn).
    if (!spdlog::should_log(spdlog::level::info)) co_return reply;
    std::string extra;
    if (!reply.client_id.empty()) extra += " client " + reply.client_id;
    if (status >= 400 && status < 500 && !reply.stream)
      if (auto reason = refusal_reason(reply.response); !reason.empty()) extra += " (" + reason + ")";
    if (reply.stream) extra += " stream";
    spdlog::info("{} {} {} {:.1f} ms from {}{}", method, path, status, elapsed * 1000, peer.client.to_string(), extra);
    co_return reply;
  };
}

}  // namespace gatehouse::runtime
