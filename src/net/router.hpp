#pragma once
// Maps request paths to handlers. Routing is exact (no prefixes, no
// redirects: RS6 forbids 30x on discovery and MCP URLs); anything else is a
// JSON 404, never an HTML page.
#include "net/http.hpp"

#include <string>
#include <unordered_map>

namespace gatehouse::net {

class Router {
 public:
  Router& route(std::string path, Handler handler);
  boost::asio::awaitable<Reply> operator()(Request& request, const Peer& peer) const;

  // The answer for a path nothing is routed at: a JSON 404.
  static Reply not_found(std::string_view path);

  // The path of a request target, without query or fragment.
  static std::string_view path_of(std::string_view target);

 private:
  std::unordered_map<std::string, Handler> routes_;
};

}  // namespace gatehouse::net
