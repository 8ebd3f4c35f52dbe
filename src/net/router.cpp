#include "net/router.hpp"

namespace gatehouse::net {

Router& Router::route(std::string path, Handler handler) {
  routes_[std::move(path)] = std::move(handler);
  return *this;
}

Router& Router::check_host(OriginPolicy policy, std::unordered_set<std::string> exempt) {
  host_policy_ = std::move(policy);
  host_exempt_ = std::move(exempt);
  return *this;
}

std::string_view Router::path_of(std::string_view target) {
  auto end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

boost::asio::awaitable<Reply> Router::operator()(Request& request, const Peer& peer) const {
  auto path = path_of(request.target());
  if (host_policy_ && !host_exempt_.contains(std::string(path))) {
    auto host = request.find(http::field::host);
    if (host == request.end() || !host_policy_->host_allowed(host->value()))
      co_return reply(error_response(http::status::forbidden, "forbidden",
                                     "the Host header names a host this server does not answer to"));
  }
  if (auto it = routes_.find(std::string(path)); it != routes_.end()) co_return co_await it->second(request, peer);
  co_return not_found(path);
}

Reply Router::not_found(std::string_view path) {
  return reply(error_response(http::status::not_found, "not_found", "no resource at " + std::string(path)));
}

}  // namespace gatehouse::net
