#include "net/listen_error.hpp"

#include <boost/asio/error.hpp>

namespace gatehouse::net {

std::string listen_failure(const boost::asio::ip::tcp::endpoint& endpoint, const boost::system::error_code& ec) {
  const auto& address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  const std::string where = host + ":" + std::to_string(endpoint.port());
  const std::string other_port =
      "choose another with --listen " + host + ":PORT (or [server] listen; port 0 picks a free one)";
  namespace error = boost::asio::error;
  if (ec == error::address_in_use)
    return "address " + where + " is in use: another process (perhaps another Gatehouse) is listening there; stop it, "
           "or " + other_port;
  if (ec == error::access_denied || ec == error::no_permission)
    return "permission denied to listen on " + where +
           (endpoint.port() < 1024 ? ": ports below 1024 need root or the CAP_NET_BIND_SERVICE capability; listen on a "
                                     "port from 1024 up behind a reverse proxy, or "
                                   : ": ") +
           other_port;
  if (ec == boost::system::errc::address_not_available)
    return "cannot assign address " + host + ": no network interface of this machine has it; listen on 0.0.0.0 (all "
           "interfaces), 127.0.0.1 (this machine only) or one of this machine's addresses";
  if (ec == error::address_family_not_supported)
    return "cannot listen on " + where + ": " + (address.is_v6() ? "IPv6" : "IPv4") +
           " is not available on this machine; listen on " + (address.is_v6() ? "0.0.0.0 or 127.0.0.1" : "[::] or [::1]") +
           " instead";
  return "cannot listen on " + where + ": " + ec.message();
}

}  // namespace gatehouse::net
