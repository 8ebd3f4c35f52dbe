#include "net/router.hpp"

namespace gatehouse::net {

Router& Router::route(std::string path, Handler handler) {
  routes_[std::move(path)] = std::move(handler);
  return *this;
}

std::string_view Router::path_of(std::string_view target) {
  auto end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

boost::asio::awaitable<Reply> Router::operator()(Request& request, const Peer& peer) const {
  auto path = path_of(request.target());
  if (auto it = routes_.find(std::string(path)); it != routes_.end()) co_return co_await it->second(request, peer);
  co_return not_found(path);
}

Reply Router::not_found(std::string_view path) {
  return reply(error_response(http::status::not_found, "not_found", "no resource at " + std::string(path)));
}

}  // namespace gatehouse::net
