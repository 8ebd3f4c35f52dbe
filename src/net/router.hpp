#pragma once
// Maps request paths to handlers. Routing is exact (no prefixes, no
// redirects: RS6 forbids 30x on discovery and MCP URLs); anything else is a
// JSON 404, never an HTML page.
#include "net/http.hpp"
#include "net/origin_policy.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace gatehouse::net {

class Router {
 public:
  Router& route(std::string path, Handler handler);

  // DNS rebinding (INTEROP TR2, MCP transports "Security Warning"): on a
  // loopback listener a page on a rebound name would otherwise reach every
  // endpoint — /register, /token, discovery — from the victim's browser.
  // Every request whose Host header `policy` refuses is answered 403 (JSON)
  // before any route runs, except on the `exempt` paths.
  Router& check_host(OriginPolicy policy, std::unordered_set<std::string> exempt = {});
  boost::asio::awaitable<Reply> operator()(Request& request, const Peer& peer) const;

  // Whether a handler is routed at `path` (exactly).
  bool routes(std::string_view path) const { return routes_.contains(std::string(path)); }

  // The answer for a path nothing is routed at: a JSON 404.
  static Reply not_found(std::string_view path);

  // The path of a request target, without query or fragment.
  static std::string_view path_of(std::string_view target);

 private:
  std::unordered_map<std::string, Handler> routes_;
  std::optional<OriginPolicy> host_policy_;
  std::unordered_set<std::string> host_exempt_;
};

}  // namespace gatehouse::net
